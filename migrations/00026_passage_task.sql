-- +goose Up
-- A step's exercise ("Try it now: …") is kept apart from its body too: an
-- answer quoted from the step ranks it below the step's other sentences and
-- never quotes it alone, whatever words its author opened it with. So is
-- whether the step comes with a document: only then does a sentence that
-- presents "the attached file" speak of a file the answer does not carry.
ALTER TABLE passages ADD COLUMN task text NOT NULL DEFAULT '';
ALTER TABLE passages ADD COLUMN document boolean NOT NULL DEFAULT false;
