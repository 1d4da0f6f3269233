package whatsapptest

import (
	"io"
	"mime"
	"net/http"
	"strings"
)

// kindOf is the message type a MIME type is sent as.
func kindOf(mimeType string) string {
	switch {
	case strings.HasPrefix(mimeType, "image/"):
		return "image"
	case strings.HasPrefix(mimeType, "video/"):
		return "video"
	case strings.HasPrefix(mimeType, "audio/"):
		return "audio"
	}
	return "document"
}

// serveMedia stores an upload: a multipart form with messaging_product
// "whatsapp", the file, and its type. Videos must be MP4 (H.264 and AAC)
// of at most 16 MB, images JPEG or PNG of at most 5 MB.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxDocument+1<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil { // #nosec G120 -- the body is bounded by MaxBytesReader just above
		writeError(w, newError(CodeRequiredMiss, "the upload must be multipart/form-data: "+err.Error()))
		return
	}
	if r.FormValue("messaging_product") != "whatsapp" {
		writeError(w, newError(CodeRequiredMiss, "messaging_product must be whatsapp"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		writeError(w, newError(CodeRequiredMiss, "file is required"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		writeError(w, newError(CodeMedia, "unreadable file"))
		return
	}
	typ := r.FormValue("type")
	if typ == "" {
		typ = hdr.Header.Get("Content-Type")
	}
	if mt, _, err := mime.ParseMediaType(typ); err == nil {
		typ = mt
	}
	limit := map[string]int{"image": MaxImage, "video": MaxVideo, "audio": MaxVideo, "document": MaxDocument}[kindOf(typ)]
	switch {
	case typ == "":
		writeError(w, newError(CodeRequiredMiss, "type is required"))
		return
	case kindOf(typ) == "image" && typ != "image/jpeg" && typ != "image/png":
		writeError(w, newError(CodeMedia, "images must be image/jpeg or image/png, not "+typ))
		return
	case kindOf(typ) == "video" && typ != "video/mp4" && typ != "video/3gpp":
		writeError(w, newError(CodeMedia, "videos must be video/mp4 (H.264 and AAC) or video/3gpp, not "+typ))
		return
	case len(data) > limit:
		writeError(w, newError(CodeMedia, "the file is larger than WhatsApp allows for its type"))
		return
	}
	s.mu.Lock()
	id := mediaID(len(s.media) + 1)
	s.media[id] = Upload{ID: id, Type: typ, Name: hdr.Filename, Size: len(data), At: s.now()}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}
