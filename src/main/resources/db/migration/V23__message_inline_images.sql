-- Inline images in conversations (issue 17 §1): Exchange reports hasAttachments false for a message whose only
-- attachments are inline ("This property doesn't include inline attachments ... To verify the existence of inline
-- attachments, parse the body property to look for a src attribute, such as <IMG src='cid:...'>",
-- https://learn.microsoft.com/en-us/graph/api/resources/message). A conversation is read without bodies, so whether the
-- HTML body names a cid: is kept on the row, derived from the body (the one rule, also for rows stored before this
-- version and for every later change of the body). Adding it rewrites the table once, as V19 did.
ALTER TABLE message ADD COLUMN body_names_content_ids boolean GENERATED ALWAYS AS (
    coalesce(lower(body_type) = 'html' AND strpos(lower(body), 'cid:') > 0, false)) STORED;
