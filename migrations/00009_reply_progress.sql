-- +goose Up
-- How far the sending of an update's replies got, written only when a send
-- fails or times out, so that a resumed update starts after the replies
-- that went out or may have (a timed-out send is never repeated blind).
-- replies_done counts the replies, from the first, that were sent, may have
-- arrived (replies_uncertain of them) or were given up; send_attempts the
-- failed tries of the next one.
ALTER TABLE processed_updates
    ADD COLUMN replies_done integer NOT NULL DEFAULT 0,
    ADD COLUMN replies_uncertain integer NOT NULL DEFAULT 0,
    ADD COLUMN send_attempts integer NOT NULL DEFAULT 0;
