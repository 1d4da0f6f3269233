-- +goose Up
-- A search checks each candidate's tsv against every query lexeme. A row
-- over the default 2 kB target has its tsv compressed or moved out of line,
-- and each check would unpack it again: rows up to a full page stay whole.
ALTER TABLE passages SET (toast_tuple_target = 8160);
