/**
 * Every failure as RFC 9457 problem+json with a stable {@code code}: one exception type for the service's own refusals,
 * mappers for framework failures, and the error page the servlet container uses (401 from the JWT check, unknown paths).
 */
package com.workestra.sharedmailboxes.problems;
