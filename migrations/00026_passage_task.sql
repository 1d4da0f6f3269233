-- +goose Up
-- A step's exercise ("Try it now: …") is kept apart from its body too: an
-- answer quoted from the step ranks it below the step's other sentences and
-- never quotes it alone, whatever words its author opened it with.
ALTER TABLE passages ADD COLUMN task text NOT NULL DEFAULT '';
