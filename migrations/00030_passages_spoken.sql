-- +goose Up
-- What is said in a step's clip (its video's transcript) is a passage of
-- its own; marked, so that the words said in the lessons' videos count as
-- the lessons' field ("la nonna usa una lampada da bicicletta" is about a
-- lesson that says it, not about the home). Indexes made before are
-- rebuilt (the index format changed): their spoken passages get the mark.
ALTER TABLE passages ADD COLUMN spoken boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE passages DROP COLUMN spoken;
