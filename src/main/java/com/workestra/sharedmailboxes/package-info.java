/**
 * Workestra shared mailboxes: Microsoft 365 personal and shared mailboxes inside Workestra. Each sub-package is one
 * business component split into boundary, control and entity; dependencies run one way, from top to bottom:
 * <pre>
 *   admin, openapi, testing                the console, the served /openapi, the test controls
 *   health, notifications                  badges and checks; push delivery
 *   sync                                   keeping mailboxes current
 *   messages                               the message store, reading and sending
 *   connections                            Outlook connections, their lifecycle and tokens
 *   mailboxes, audit, callers              mailboxes by Exchange identity and who may read them over time;
 *                                          who did what; who is calling
 *   graph                                  the door to Microsoft
 *   problems, clock, database              failures as problem+json; the clock; the schema
 * </pre>
 * A component reaches up only by announcing what happened (CDI events such as {@code ConnectionChanged} and
 * {@code MailSent}) or through an interface it owns and a component above implements ({@code ConnectionStatus}).
 */
package com.workestra.sharedmailboxes;
