-- +goose Up
-- A search looks in one locale's passages at a time. With one index over
-- every locale, a lexeme the locales share ('post', 'text', 'instagram')
-- found the passages of all of them, and each was read only to be left
-- out: a Spanish question on 10,000 passages read 1,231 to score 42. One
-- index for each locale a lesson may be written in (content/validate.go)
-- finds only the passages searched.
CREATE INDEX passages_tsv_it ON passages USING gin (tsv) WITH (fastupdate = off) WHERE locale = 'it';
CREATE INDEX passages_tsv_en ON passages USING gin (tsv) WITH (fastupdate = off) WHERE locale = 'en';
CREATE INDEX passages_tsv_es ON passages USING gin (tsv) WITH (fastupdate = off) WHERE locale = 'es';
CREATE INDEX passages_tsv_fr ON passages USING gin (tsv) WITH (fastupdate = off) WHERE locale = 'fr';
CREATE INDEX passages_tsv_de ON passages USING gin (tsv) WITH (fastupdate = off) WHERE locale = 'de';
CREATE INDEX passages_tsv_pl ON passages USING gin (tsv) WITH (fastupdate = off) WHERE locale = 'pl';
DROP INDEX passages_tsv;

-- +goose Down
CREATE INDEX passages_tsv ON passages USING gin (tsv) WITH (fastupdate = off);
DROP INDEX passages_tsv_it, passages_tsv_en, passages_tsv_es, passages_tsv_fr, passages_tsv_de, passages_tsv_pl;
