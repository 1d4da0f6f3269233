package telegramtest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// files are the documents users "uploaded", for getFile and the file
// endpoint.
type files struct {
	mu    sync.Mutex
	seq   int
	byID  map[string]string // file_id -> file_path
	paths map[string][]byte // file_path -> content
}

func (s *Server) docs() *files {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sentFiles == nil {
		s.sentFiles = &files{byID: map[string]string{}, paths: map[string][]byte{}}
	}
	return s.sentFiles
}

// AddFile stores a file as if a user had sent it and returns its file_id.
func (s *Server) AddFile(name string, data []byte) string {
	f := s.docs()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("doc-%d", f.seq)
	path := fmt.Sprintf("documents/file_%d_%s", f.seq, name)
	f.byID[id] = path
	f.paths[path] = data
	return id
}

// DocumentUpdate builds a message from user carrying a document (already
// added with AddFile) with a caption.
func (s *Server) DocumentUpdate(chat, user int64, fileID, name, caption string) tgbotapi.Update {
	u := s.TextUpdate(chat, user, "")
	u.Message.Caption = caption
	u.Message.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: name}
	return u
}

// VideoUpdate builds a message from user carrying a video with a caption.
func (s *Server) VideoUpdate(chat, user int64, fileID, caption string) tgbotapi.Update {
	u := s.TextUpdate(chat, user, "")
	u.Message.Caption = caption
	u.Message.Video = &tgbotapi.Video{FileID: fileID, FileUniqueID: "u" + fileID, Duration: 60, FileName: "lesson.mp4"}
	u.Message.Date = int(time.Now().Unix())
	return u
}

// getFile answers the getFile method.
func (s *Server) getFile(p map[string]string) (any, *apiError) {
	f := s.docs()
	f.mu.Lock()
	defer f.mu.Unlock()
	path, ok := f.byID[p["file_id"]]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	if len(f.paths[path]) > 20<<20 {
		// What the Bot API answers for a file bots may not download.
		return nil, badRequest("file is too big")
	}
	return map[string]any{"file_id": p["file_id"], "file_unique_id": "u" + p["file_id"], "file_size": len(f.paths[path]), "file_path": path}, nil
}

// serveFile serves "/file/bot<token>/<file_path>".
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/file/bot")
	token, path, ok := strings.Cut(rest, "/")
	if !ok || token != s.token {
		http.NotFound(w, r)
		return
	}
	f := s.docs()
	f.mu.Lock()
	data, ok := f.paths[path]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(data) // the client went away: nothing to do
}
