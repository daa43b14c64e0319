/**
 * The {@code /openapi} document as a client needs it: YAML or JSON under the media types MicroProfile OpenAPI names,
 * and every operation's error answers (problem+json with the codes of {@code problems.entity.ProblemCode}) and request
 * examples, added to what the server scans from the resources' annotations.
 */
package com.workestra.sharedmailboxes.openapi;
