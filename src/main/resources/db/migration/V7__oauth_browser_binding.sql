-- A started Outlook sign-in completes only in the browser that started it: that browser holds a random secret (a
-- cookie set on the POST /outlook/authorizations answer), the row keeps only its SHA-256. Sign-ins started before this
-- version have no binding and could never complete, so they go (they live ten minutes at most anyway).
DELETE FROM oauth_authorization;
ALTER TABLE oauth_authorization ADD COLUMN browser_binding_hash varchar(64) NOT NULL;
