/**
 * The Microsoft 365 emulator: a local, HTTPS stand-in for Microsoft Entra ID (v2.0 endpoints) and the parts
 * of Microsoft Graph v1.0 mail the service uses, faithful to Microsoft's documented behaviour. Test code
 * only; never packaged in the WAR.
 *
 * <p>Start one with {@link com.workestra.sharedmailboxes.m365emulator.M365Emulator#start}, point MSAL4J's
 * {@code oidcAuthority} at {@code authority()} and the Graph SDK at {@code graphBaseUrl()}, trust
 * {@code clientSslContext()} (or the PEM from {@code writeCertificatePem}), and shape the tenant through
 * {@code tenant()}. {@code M365EmulatorMain} runs it standalone; {@code EmulatorTestClients} wires MSAL4J,
 * the Graph SDK and a raw HTTP client to it.
 *
 * <p>Served paths:
 * <ul>
 * <li>{@code /{tenant}/v2.0/.well-known/openid-configuration}, {@code /{tenant}/discovery/v2.0/keys},
 * {@code /{tenant}/oauth2/v2.0/authorize} (GET, and POST from its own sign-in page),
 * {@code /{tenant}/oauth2/v2.0/token}; {@code tenant} is the tenant id, {@code common} or {@code organizations}.</li>
 * <li>{@code /v1.0/me|users/{id or UPN}}: the user; {@code .../mailFolders}, {@code .../mailFolders/{name or id}},
 * {@code .../mailFolders/{f}/messages} (list, {@code $top $skip $select $orderby $filter}),
 * {@code .../messages/delta} and {@code delta()}, {@code .../messages/{id}} (GET, PATCH isRead),
 * {@code .../messages/{id}/reply|replyAll}, {@code .../sendMail}; {@code mailFolders('Inbox')} works too.</li>
 * <li>{@code /v1.0/subscriptions} (POST, GET), {@code /v1.0/subscriptions/{id}} (GET, PATCH, DELETE),
 * {@code /v1.0/subscriptions/{id}/reauthorize} (POST).</li>
 * <li>Control API (JSON, not a Microsoft API): POST {@code /_emulator/users} {upn, displayName},
 * {@code /users/rename} {oid, upn}, {@code /shared-mailboxes} {address, displayName},
 * {@code /distribution-lists} {address, displayName}, {@code /permissions/grant|revoke}
 * {mailbox, user, right: fullAccess|sendAs|sendOnBehalf}, {@code /consent-policy} {user, grantableScopes[]},
 * {@code /refuse-consent} {user}, {@code /revoke-tokens} {user}, {@code /deliver} {mailbox, from, subject, body, to[]?, cc[]?},
 * {@code /mark-read} {mailbox, messageId, isRead}, {@code /delete-message} {mailbox, messageId},
 * {@code /expire-delta-tokens} {mailbox}, {@code /seed} {mailbox, folder, count},
 * {@code /faults/throttle} {mailbox, requests, retryAfterSeconds}, {@code /faults/fail} {mailbox, requests, status},
 * {@code /faults/latency} {millis}, {@code /faults/drop-notifications} {drop} (change notifications only),
 * {@code /settings/notification-latency} {millis}, {@code /settings/permission-propagation-delay} {millis},
 * {@code /lifecycle} {subscriptionId, lifecycleEvent}; GET {@code /_emulator/directory}, {@code /sent} (with bcc),
 * {@code /subscriptions}, {@code /subscription-calls} (create, renew, reauthorize, delete and what Graph answered),
 * {@code /notifications} (the notifications delivered), {@code /notification-stats}, {@code /count?mailbox=&folder=}.</li>
 * </ul>
 */
package com.workestra.sharedmailboxes.m365emulator;
