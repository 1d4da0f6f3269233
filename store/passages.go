package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// searchConfig is the text search configuration for a locale's passages
// (see migrations/00005_assistant.sql).
func searchConfig(locale string) string {
	switch locale {
	case "it", "en", "es", "fr", "de":
		return locale + "_unaccent"
	}
	return "simple_unaccent"
}

// ReplacePassages makes ps and words the search index of a curriculum
// version. Passages of older versions are dropped: only the newest version
// is searched. Call it in the transaction that publishes the version.
func (s *DB) ReplacePassages(ctx context.Context, version int64, ps []bottega.Passage, words []string) error {
	q := s.q
	for _, table := range []string{"passages", "passage_words", "passage_lexemes", "passage_versions"} {
		if _, err := q.ExecContext(ctx, `DELETE FROM `+table+` WHERE version_id <= $1`, version); err != nil {
			return fmt.Errorf("drop old %s: %w", table, err)
		}
	}
	lessons := map[string][]string{}
	for _, p := range ps {
		lessons[p.LessonID] = nonNil(p.LessonLocales)
	}
	body, err := encodePassages(ps)
	if err != nil {
		return err
	}
	digest := passagesDigest(body, words)
	_, err = q.ExecContext(ctx, `
		INSERT INTO passages (version_id, track_id, lesson_id, kind, ref, position, steps, locale, config,
			roles, lesson_locales, title, body, task, document, keywords, tags, video_start, spoken, questions, asked)
		SELECT $1, x.track_id, x.lesson_id, x.kind, x.ref, x.position, x.steps, x.locale, CAST(x.config AS regconfig),
			x.roles, x.lesson_locales, x.title, x.body, x.task, x.document, x.keywords, x.tags, x.video_start, x.spoken, x.questions, x.asked
		FROM jsonb_to_recordset($2) AS x(track_id text, lesson_id text, kind text, ref text, position int,
			steps int, locale text, config text, roles text[], lesson_locales text[], title text, body text,
			task text, document boolean, keywords text, tags text, video_start int, spoken boolean, questions text[], asked jsonb)`, version, jsonArg(body))
	if err != nil {
		return fmt.Errorf("save passages: %w", err)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO passage_words (version_id, word)
		SELECT DISTINCT CAST($1 AS bigint), w FROM unnest(CAST($2 AS text[])) AS w WHERE w <> ''`,
		version, pq.Array(words))
	if err != nil {
		return fmt.Errorf("save words: %w", err)
	}
	// The inverse document frequency of each lexeme (BM25's), per
	// configuration. The row with the empty lexeme holds the idf of a
	// lexeme no passage has.
	_, err = q.ExecContext(ctx, `
		WITH n AS (
			SELECT config, count(*) AS total FROM passages WHERE version_id = $1 GROUP BY config
		), df AS (
			SELECT p.config, l.lexeme, count(*) AS ndoc
			FROM passages p CROSS JOIN LATERAL unnest(p.tsv) AS l
			WHERE p.version_id = $1
			GROUP BY p.config, l.lexeme
		)
		INSERT INTO passage_lexemes (version_id, config, lexeme, ndoc, idf)
		SELECT $1, df.config, df.lexeme, df.ndoc, ln(1 + (n.total - df.ndoc + 0.5) / (df.ndoc + 0.5))
		FROM df JOIN n USING (config)
		UNION ALL
		SELECT $1, config, '', 0, ln(1 + (total + 0.5) / 0.5) FROM n`, version)
	if err != nil {
		return fmt.Errorf("save lexeme statistics: %w", err)
	}
	var complete []string
	for _, locales := range lessons {
		for _, l := range locales {
			if !slices.Contains(complete, l) && allHave(lessons, l) {
				complete = append(complete, l)
			}
		}
	}
	slices.Sort(complete)
	_, err = q.ExecContext(ctx, `INSERT INTO passage_versions (version_id, passages, complete, digest) VALUES ($1, $2, $3, $4)`,
		version, len(ps), pq.Array(nonNil(complete)), digest)
	if err != nil {
		return fmt.Errorf("save passage version: %w", err)
	}
	// Fresh statistics let the planner see the new rows at once.
	if _, err := q.ExecContext(ctx, `ANALYZE passages, passage_words, passage_lexemes`); err != nil {
		return fmt.Errorf("analyze passages: %w", err)
	}
	return nil
}

// encodePassages encodes ps as the rows ReplacePassages inserts.
func encodePassages(ps []bottega.Passage) ([]byte, error) {
	type row struct {
		bottega.Passage
		Config    string              `json:"config"`
		Questions []string            `json:"questions"`
		Asked     map[string][]string `json:"asked"`
	}
	rows := make([]row, len(ps))
	for i, p := range ps {
		p.Roles, p.LessonLocales = nonNil(p.Roles), nonNil(p.LessonLocales)
		rows[i] = row{Passage: p, Config: searchConfig(p.Locale), Questions: nonNil(p.Questions), Asked: p.Asked}
		if rows[i].Asked == nil {
			rows[i].Asked = map[string][]string{}
		}
	}
	body, err := json.Marshal(rows)
	if err != nil {
		return nil, fmt.Errorf("encode passages: %w", err)
	}
	return body, nil
}

// indexFormat changes when ReplacePassages stores the same passages
// differently, so that indexes made before are rebuilt.
const indexFormat = "5"

// passagesDigest sums up an index: the passages as ReplacePassages stores
// them (encoded) and the words.
func passagesDigest(encoded []byte, words []string) string {
	h := sha256.New()
	h.Write([]byte(indexFormat + "\n"))
	h.Write(encoded)
	for _, w := range words {
		h.Write([]byte("\n" + w))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// EnsurePassages makes ps and words the index of curriculum version
// unless they already are (ReplacePassages made them, with the same
// passages and words). It reports whether it replaced them. It holds the
// publish lock, so processes starting together index once.
func (s *DB) EnsurePassages(ctx context.Context, version int64, ps []bottega.Passage, words []string) (replaced bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockCurriculum(ctx); err != nil {
			return err
		}
		var have struct {
			Version int64  `db:"version_id"`
			Digest  string `db:"digest"`
		}
		err := tx.q.GetContext(ctx, &have, `
			SELECT version_id, digest FROM passage_versions ORDER BY version_id DESC LIMIT 1`)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read indexed version: %w", err)
		}
		if have.Version == version && have.Digest == digestOf(ps, words) {
			return nil
		}
		replaced = true
		return tx.ReplacePassages(ctx, version, ps, words)
	})
	return replaced, err
}

// digestOf is the digest ReplacePassages would store for ps and words.
func digestOf(ps []bottega.Passage, words []string) string {
	rows, err := encodePassages(ps)
	if err != nil {
		return "" // never equal to a stored one: the index is rebuilt
	}
	return passagesDigest(rows, words)
}

func allHave(lessons map[string][]string, locale string) bool {
	for _, locales := range lessons {
		if !slices.Contains(locales, locale) {
			return false
		}
	}
	return true
}

// PassageQuery is a search over the passages of the indexed version.
type PassageQuery struct {
	// Words are the learner's words, lower-case without accents. A word
	// the passages do not have is replaced by their most similar word, to
	// forgive typos.
	Words []string
	// Asking are those of Words in the clauses that ask, when a question
	// tells a setting before it asks: when the words are more than are
	// searched, theirs are kept first.
	Asking []string
	// Locale is the learner's; lessons not written in it are searched in
	// Fallback locales instead. With FallbackOnly every lesson written in
	// a Fallback locale is, and Locale's copies only of those written in
	// none.
	Locale       string
	Fallback     []string
	FallbackOnly bool
	// Show lists the locales to show a passage in, best first: a
	// passage is shown in the first of them its lesson has, whichever
	// copy was found; by default it is shown in the one it scored best
	// in. The hit keeps the scores of the copy found.
	Show []string
	// Role boosts the lessons meant for that role.
	Role string
	// Limit is how many passages to return (default 5); PerLesson caps
	// the passages of one lesson among them (default 2).
	Limit     int
	PerLesson int
	// Lesson, if set, searches that lesson's passages only.
	Lesson string
	// Boost are steps close to the query by other means than its words:
	// they are searched whatever words they share with it, and their
	// score is raised.
	Boost []StepBoost
}

// StepBoost raises a step's score by Score. Passages are the ids of the
// step's passages, in every locale (see StepQuestions).
type StepBoost struct {
	Lesson, Ref string
	Passages    []int64
	Score       float64
}

// Ranking parameters; see SearchPassages.
const (
	bodyWeight    = 0.5  // a lexeme in the body, relative to the title and keywords
	trigramWeight = 0.25 // trigram similarity, relative to the text score
	// roleBoost multiplies the score of a passage whose lesson is meant
	// for the learner's role. Chosen on the tuning halves of
	// assistant/eval (1.3 before): from 1.5 to 1.8 every set of answers
	// gained and declines.yaml lost one off-topic question; at 2
	// questions.yaml lost. See README.
	roleBoost  = 1.6
	minFix     = 0.4 // least trigram similarity of a typo's replacement
	maxLexemes = 12  // query lexemes searched: the asking ones, then the most informative
	findBudget = 200 // passages the candidate-finding lexemes may match, summed
	shortlist  = 40  // passages ranked by text before trigram scoring, per locale
)

// LocaleText is a text in a locale.
type LocaleText struct {
	Locale string `db:"locale"`
	Text   string `db:"text"`
}

// LessonTopics returns what the steps of index version say they are
// about, in each locale: the lesson's title, then its keywords and the
// learners' questions the step answers, a line each; and what is said in
// the lessons' videos, a passage each.
func (s *DB) LessonTopics(ctx context.Context, version int64) ([]LocaleText, error) {
	var out []LocaleText
	err := s.q.SelectContext(ctx, &out, `
		SELECT DISTINCT locale, title || E'\n' || keywords AS text FROM passages
		WHERE version_id = $1 AND kind = 'step' AND NOT spoken
		UNION
		SELECT locale, body FROM passages WHERE version_id = $1 AND spoken
		ORDER BY locale, text`, version)
	if err != nil {
		return nil, fmt.Errorf("lesson topics of index version %d: %w", version, err)
	}
	return out, nil
}

// LessonTitle is a lesson's title in one locale.
type LessonTitle struct {
	Lesson string `db:"lesson_id"`
	Locale string `db:"locale"`
	Title  string `db:"title"`
}

// LessonTitles returns the titles of lessons in index version, in every
// locale the index has them in.
func (s *DB) LessonTitles(ctx context.Context, version int64, lessons []string) ([]LessonTitle, error) {
	var out []LessonTitle
	err := s.q.SelectContext(ctx, &out, `
		SELECT DISTINCT lesson_id, locale, title FROM passages
		WHERE version_id = $1 AND lesson_id = ANY($2) AND NOT spoken
		ORDER BY lesson_id, locale`, version, pq.Array(lessons))
	if err != nil {
		return nil, fmt.Errorf("lesson titles of index version %d: %w", version, err)
	}
	return out, nil
}

// PassageWords returns the words of index version's passages, lower case
// without accents (see ReplacePassages): the lessons' vocabulary.
func (s *DB) PassageWords(ctx context.Context, version int64) ([]string, error) {
	var out []string
	err := s.q.SelectContext(ctx, &out, `SELECT word FROM passage_words WHERE version_id = $1 ORDER BY word`, version)
	if err != nil {
		return nil, fmt.Errorf("words of index version %d: %w", version, err)
	}
	return out, nil
}

// VacuumIndex reclaims the rows of the curriculum and its passage index
// that no transaction sees any more, such as those of a publish rolled
// back (bottega eval publishes in a transaction it rolls back), and
// updates the planner's statistics of those tables. Autovacuum would, in
// time; but a private Postgres that runs only while a command does gives
// it none, and a search over tables of dead rows slows down run after run.
// It runs outside any transaction, on the pool.
func (s *DB) VacuumIndex(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `VACUUM (ANALYZE) curriculum_versions, passage_versions, passages, passage_words, passage_lexemes`); err != nil {
		return fmt.Errorf("vacuum the passage index: %w", err)
	}
	return nil
}

// PassageVersion returns the index version searched, the latest; 0 when
// nothing is indexed.
func (s *DB) PassageVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.q.GetContext(ctx, &v, `SELECT COALESCE(max(version_id), 0) FROM passage_versions`)
	if err != nil {
		return 0, fmt.Errorf("read the passage index version: %w", err)
	}
	return v, nil
}

// StepQuestions are the questions a step lists in a locale (how learners
// ask what it answers), and the id of the passage that keeps them: the
// step's passage in that locale or, for a language its lesson is not
// written in, in the lesson's first locale.
type StepQuestions struct {
	ID        int64          `db:"id"`
	Lesson    string         `db:"lesson_id"`
	Ref       string         `db:"ref"`
	Locale    string         `db:"locale"`
	Questions pq.StringArray `db:"questions"`
	// Other: Locale is not one of the lesson's.
	Other bool `db:"other"`
}

// StepQuestions returns the questions the steps of index version list,
// one entry for each step's passage in each locale, with or without
// questions, and one for each language a step lists questions in that its
// lesson is not written in, with the id of the passage that keeps them.
func (s *DB) StepQuestions(ctx context.Context, version int64) ([]StepQuestions, error) {
	var out []StepQuestions
	err := s.q.SelectContext(ctx, &out, `
		SELECT id, lesson_id, ref, locale, questions, false AS other FROM passages
		WHERE version_id = $1 AND kind = 'step'
		UNION ALL
		SELECT p.id, p.lesson_id, p.ref, a.key,
			ARRAY(SELECT jsonb_array_elements_text(a.value)), true
		FROM passages p CROSS JOIN LATERAL jsonb_each(p.asked) AS a
		WHERE p.version_id = $1 AND p.kind = 'step'
		ORDER BY lesson_id, ref, locale, id`, version)
	if err != nil {
		return nil, fmt.Errorf("read the steps' questions of index version %d: %w", version, err)
	}
	return out, nil
}

// SearchPassages finds the passages that best answer q.Words.
//
// Each word the passages do not have (a typo, or a form they do not use) is
// replaced by their most similar word, if one is at least 0.4 similar
// (pg_trgm). The words are parsed by each searched locale's text search
// configuration (stemming, stop words, accents folded). Twelve of the
// query's lexemes score the candidates: those of q.Asking, then the most
// informative; the rarest of them (as many as match 200 passages together,
// at least one) find them through the GIN index. The 40 best by text score
// of each locale are scored
//
//	text  = Σ idf(l) × ([l in title or keywords] + 0.5 × [l in body]) / (1.5 × Σ idf(l))
//	score = (text + 0.25 × word_similarity(query, title and keywords) + boost) × 1.6 if meant for q.Role
//
// over the query's lexemes l, with BM25's idf (ts_rank has none). A
// lexeme no passage has counts in the denominator with the highest idf, so a
// question about something else scores low. Trigram similarity rewards
// short queries close to a lesson's name and keywords; it is computed here,
// once for each lesson's tags (see wordSimilarity). A step found in
// several locales counts once, and one lesson gives at most q.PerLesson
// passages, so the results name several lessons. The passages of the steps
// of q.Boost join each locale's 40 whatever words they share with the
// query, and gain their boost.
func (s *DB) SearchPassages(ctx context.Context, q PassageQuery) ([]bottega.PassageHit, error) {
	if q.Limit <= 0 {
		q.Limit = 5
	}
	if q.PerLesson <= 0 {
		q.PerLesson = 2
	}
	var words []string
	for _, w := range q.Words {
		if w != "" && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	db := s.q

	// 1. The version searched, the query's words with typos fixed, and
	// their lexemes with their idf in each locale that may be searched.
	// Each lexeme's idf is looked up by the primary key (LIMIT 1 keeps the
	// planner from joining instead: it would read and hash the whole
	// version's lexemes, thousands of rows, for a question's dozen).
	locales := []string{q.Locale}
	for _, l := range q.Fallback {
		if !slices.Contains(locales, l) {
			locales = append(locales, l)
		}
	}
	configs := make([]string, len(locales))
	for i, l := range locales {
		configs[i] = searchConfig(l)
	}
	var lexemes []struct {
		Version  int64          `db:"version"`
		Complete pq.StringArray `db:"complete"`
		Text     string         `db:"text"`
		Config   *string        `db:"config"`
		Lexeme   *string        `db:"lexeme"`
		Asks     *bool          `db:"asks"`
		IDF      *float64       `db:"idf"`
		Docs     int            `db:"ndoc"`
		Unseen   float64        `db:"unseen"`
	}
	err := db.SelectContext(ctx, &lexemes, `
		WITH v AS (
			SELECT version_id, complete FROM passage_versions ORDER BY version_id DESC LIMIT 1
		), words AS (
			SELECT u.n, u.w = ANY(CAST($4 AS text[])) AS asks, CASE
				WHEN char_length(u.w) < 4 OR EXISTS (SELECT 1 FROM passage_words pw WHERE pw.version_id = v.version_id AND pw.word = u.w) THEN u.w
				ELSE COALESCE(passage_word_fix(v.version_id, u.w, CAST($3 AS real)), u.w) END AS w
			FROM v CROSS JOIN unnest(CAST($1 AS text[])) WITH ORDINALITY AS u(w, n)
		), terms AS (
			SELECT string_agg(w, ' ' ORDER BY n) AS t, COALESCE(string_agg(w, ' ' ORDER BY n) FILTER (WHERE asks), '') AS a FROM words
		)
		SELECT v.version_id AS version, v.complete, terms.t AS text, CAST(c.config AS text) AS config, l.lexeme,
			l.lexeme = ANY(asking.lexemes) AS asks, pl.idf, COALESCE(pl.ndoc, 0) AS ndoc, COALESCE(unseen.idf, 0) AS unseen
		FROM v CROSS JOIN terms
		CROSS JOIN unnest(CAST($2 AS regconfig[])) AS c(config)
		CROSS JOIN LATERAL (SELECT tsvector_to_array(to_tsvector(c.config, terms.a)) AS lexemes) asking
		LEFT JOIN LATERAL unnest(to_tsvector(c.config, terms.t)) AS l ON true
		LEFT JOIN LATERAL (
			SELECT idf, ndoc FROM passage_lexemes
			WHERE version_id = v.version_id AND config = c.config AND lexeme = l.lexeme
			LIMIT 1) pl ON true
		LEFT JOIN LATERAL (
			SELECT idf FROM passage_lexemes
			WHERE version_id = v.version_id AND config = c.config AND lexeme = ''
			LIMIT 1) unseen ON true`,
		pq.Array(words), pq.Array(configs), minFix, pq.Array(q.Asking))
	if err != nil {
		return nil, fmt.Errorf("search passages: parse query: %w", err)
	}
	if len(lexemes) == 0 {
		return nil, nil // nothing indexed
	}
	version, text := lexemes[0].Version, lexemes[0].Text
	if slices.Contains(lexemes[0].Complete, q.Locale) && !q.FallbackOnly {
		// Every lesson is written in the learner's locale.
		locales, configs = locales[:1], configs[:1]
	}

	// 2. Candidates and their scores, per locale.
	boost := map[string]float64{}
	raised := []int64{}
	for _, b := range q.Boost {
		if q.Lesson == "" || b.Lesson == q.Lesson {
			raised = append(raised, b.Passages...)
		}
		k := b.Lesson + "/" + b.Ref
		boost[k] = max(boost[k], b.Score)
	}
	var parts []string
	args := []any{version, shortlist, pq.Array(raised)}
	for i, l := range locales {
		var ls []weighted
		total := 0.0
		for _, x := range lexemes {
			if x.Config == nil || *x.Config != configs[i] || x.Lexeme == nil {
				continue
			}
			if x.IDF == nil {
				total += x.Unseen
				continue
			}
			total += *x.IDF
			ls = append(ls, weighted{*x.Lexeme, *x.IDF, x.Docs, x.Asks != nil && *x.Asks})
		}
		if len(ls) == 0 {
			continue
		}
		// The lexemes of the clauses that ask are kept first, then the
		// most informative; the rarest kept find the candidates.
		rarest := func(a, b weighted) int { return cmp.Or(cmp.Compare(b.idf, a.idf), cmp.Compare(a.lexeme, b.lexeme)) }
		slices.SortFunc(ls, func(a, b weighted) int { return cmp.Or(cmp.Compare(btoi(b.asks), btoi(a.asks)), rarest(a, b)) })
		ls = ls[:min(len(ls), maxLexemes)]
		slices.SortFunc(ls, rarest)
		var find []string
		var score []string
		matched := 0
		for j, x := range ls {
			lit := tsLiteral(x.lexeme)
			// The rarest lexemes find the candidates, as many as fit
			// the budget: a common one would bring in a good part of
			// the corpus, to be scored row by row.
			if j == 0 || matched+x.docs <= findBudget {
				find = append(find, lit)
				matched += x.docs
			}
			args = append(args, lit+":A", lit+":B")
			score = append(score, fmt.Sprintf(
				"float8 '%g' * ((CASE WHEN tsv @@ CAST($%d AS tsquery) THEN float8 '1' ELSE 0 END) + (CASE WHEN tsv @@ CAST($%d AS tsquery) THEN float8 '%g' ELSE 0 END))",
				x.idf, len(args)-1, len(args), bodyWeight))
		}
		args = append(args, strings.Join(find, " | "), configs[i], l)
		nq, nc, nl := len(args)-2, len(args)-1, len(args)
		fallback := ""
		switch {
		case l == q.Locale && q.FallbackOnly:
			args = append(args, pq.Array(q.Fallback))
			fallback = fmt.Sprintf("AND NOT (lesson_locales && CAST($%d AS text[]))", len(args))
		case l != q.Locale && !q.FallbackOnly:
			args = append(args, q.Locale)
			fallback = fmt.Sprintf("AND NOT (CAST($%d AS text) = ANY(lesson_locales))", len(args))
		}
		if q.Lesson != "" {
			args = append(args, q.Lesson)
			fallback += fmt.Sprintf(" AND lesson_id = $%d", len(args))
		}
		// The shortlist of each locale: the best by text score, and the
		// raised steps whatever words they share with the query. The
		// score is computed once for each passage (OFFSET 0 keeps the
		// subquery from being merged into the outer one).
		parts = append(parts, fmt.Sprintf(`(
			SELECT id, s / float8 '%[2]g' AS fts, s / float8 '%[3]g' AS evidence FROM (
				SELECT id, s, raised, row_number() OVER (PARTITION BY raised ORDER BY s DESC, id) AS n FROM (
					SELECT id, %[1]s AS s, id = ANY(CAST($3 AS bigint[])) AS raised FROM passages
					WHERE version_id = $1 AND config = CAST($%[4]d AS regconfig) AND locale = $%[5]d %[6]s
					  AND (tsv @@ CAST($%[7]d AS tsquery) OR id = ANY(CAST($3 AS bigint[])))
					OFFSET 0) scored) ranked
			WHERE raised OR n <= $2)`,
			strings.Join(score, " + "), (1+bodyWeight)*total, 1+bodyWeight, nc, nl, fallback, nq))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	var rows []struct {
		bottega.Passage
		Roles         pq.StringArray `db:"roles"`
		LessonLocales pq.StringArray `db:"lesson_locales"`
		Text          float64        `db:"fts"`
		Evidence      float64        `db:"evidence"`
	}
	// The candidates are read by key, LIMIT 1 keeping the planner from
	// hashing every passage of a small curriculum to join a hundred.
	err = db.SelectContext(ctx, &rows, `
		WITH c AS (`+strings.Join(parts, " UNION ALL ")+`)
		SELECT p.id, p.version_id, p.track_id, p.lesson_id, p.kind, p.ref, p.position, p.steps, p.locale,
			p.roles, p.lesson_locales, p.title, p.body, p.task, p.document, p.keywords, p.tags, p.video_start, c.fts, c.evidence
		FROM c CROSS JOIN LATERAL (SELECT * FROM passages WHERE id = c.id LIMIT 1) p`, args...)
	if err != nil {
		return nil, fmt.Errorf("search passages: %w", err)
	}

	// 3. Rank, one copy of a step, a few passages per lesson.
	// The passages of a lesson in a locale share their tags: their
	// similarity to the query is computed once for them all.
	sims, similar := map[string]float64{}, similarityTo(text)
	hits := make([]bottega.PassageHit, len(rows))
	for i, r := range rows {
		sim, ok := sims[r.Tags]
		if !ok {
			sim = float64(similar.to(s.tags.of(r.Tags)))
			sims[r.Tags] = sim
		}
		h := bottega.PassageHit{Passage: r.Passage, Text: r.Text, Evidence: r.Evidence, Trigram: sim}
		h.Roles, h.LessonLocales = r.Roles, r.LessonLocales
		h.Score = r.Text + trigramWeight*h.Trigram
		if h.Kind == bottega.PassageStep {
			h.Raised = boost[h.LessonID+"/"+h.Ref]
			h.Score += h.Raised
		}
		if q.Role != "" && slices.Contains(h.Roles, q.Role) {
			h.Score *= roleBoost
			h.Raised *= roleBoost
		}
		hits[i] = h
	}
	slices.SortStableFunc(hits, func(a, b bottega.PassageHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.LessonID, b.LessonID), cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
	})
	type key struct{ lesson, kind, ref string }
	shown := map[key]bottega.Passage{}
	if len(q.Show) > 0 {
		rank := func(locale string) int {
			if i := slices.Index(q.Show, locale); i >= 0 {
				return i
			}
			return len(q.Show)
		}
		for _, h := range hits {
			k := key{h.LessonID, h.Kind, h.Ref}
			if p, ok := shown[k]; !ok || rank(h.Locale) < rank(p.Locale) {
				shown[k] = h.Passage
			}
		}
	}
	seen := map[key]bool{}
	perLesson := map[string]int{}
	var out []bottega.PassageHit
	for _, h := range hits {
		k := key{h.LessonID, h.Kind, h.Ref}
		if seen[k] || perLesson[h.LessonID] >= q.PerLesson {
			continue
		}
		seen[k] = true
		perLesson[h.LessonID]++
		if p, ok := shown[k]; ok && p.Locale != h.Locale {
			h.ShowAs(p)
		}
		out = append(out, h)
		if len(out) == q.Limit {
			break
		}
	}
	if err := s.showIn(ctx, out, q.Show); err != nil {
		return nil, err
	}
	return out, nil
}

// showIn puts each of hits in the first of the locales show that its
// lesson has, when it was found only in a later one: a step found through
// its Italian words is shown in English to a learner who reads English
// better. The hit keeps the scores of the copy found. Only the hits whose
// lesson has a better locale than theirs are read again: a Spanish
// learner's hit found in English, in a lesson written in Italian and
// English, is shown as it is (a passage indexed without its lesson's
// locales is read again).
func (s *DB) showIn(ctx context.Context, hits []bottega.PassageHit, show []string) error {
	rank := func(locale string) int {
		if i := slices.Index(show, locale); i >= 0 {
			return i
		}
		return len(show)
	}
	var lessons, refs []string
	for _, h := range hits {
		if len(h.LessonLocales) == 0 || slices.ContainsFunc(h.LessonLocales, func(l string) bool { return rank(l) < rank(h.Locale) }) {
			lessons, refs = append(lessons, h.LessonID), append(refs, h.Ref)
		}
	}
	if len(lessons) == 0 {
		return nil
	}
	var rows []struct {
		bottega.Passage
		Roles         pq.StringArray `db:"roles"`
		LessonLocales pq.StringArray `db:"lesson_locales"`
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT p.id, p.version_id, p.track_id, p.lesson_id, p.kind, p.ref, p.position, p.steps, p.locale,
			p.roles, p.lesson_locales, p.title, p.body, p.task, p.document, p.keywords, p.tags, p.video_start
		FROM unnest(CAST($2 AS text[]), CAST($3 AS text[])) AS k(lesson_id, ref)
		JOIN passages p ON p.version_id = $1 AND p.lesson_id = k.lesson_id AND p.ref = k.ref
		WHERE p.locale = ANY($4)`,
		hits[0].VersionID, pq.Array(lessons), pq.Array(refs), pq.Array(show))
	if err != nil {
		return fmt.Errorf("passages to show: %w", err)
	}
	for i, h := range hits {
		for _, r := range rows {
			if r.LessonID == h.LessonID && r.Kind == h.Kind && r.Ref == h.Ref && rank(r.Locale) < rank(hits[i].Locale) {
				p := r.Passage
				p.Roles, p.LessonLocales = r.Roles, r.LessonLocales
				hits[i].ShowAs(p)
			}
		}
	}
	return nil
}

type weighted struct {
	lexeme string
	idf    float64
	docs   int
	asks   bool // from a clause that asks (see PassageQuery.Asking)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tsLiteral quotes a lexeme for tsquery input.
func tsLiteral(lexeme string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(lexeme, `\`, `\\`), `'`, `''`) + "'"
}
