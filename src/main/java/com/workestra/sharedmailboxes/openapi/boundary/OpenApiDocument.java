package com.workestra.sharedmailboxes.openapi.boundary;

import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Completes the scanned document (registered as {@code mp.openapi.filter}): every operation lists the problem+json
 * answers it can give, grouped by status with one example per code; success answers have their real status instead of
 * "default"; request bodies carry an example. The resources' annotations stay the source of summaries and success
 * answers; the codes and their statuses come from {@link ProblemCode}.
 */
public class OpenApiDocument implements OASFilter {

    static final String PROBLEM_SCHEMA = "Problem";
    private static final String API = "/api/v1";

    /** The refusals an operation answers beyond the ones every operation of its kind can give. */
    private static final Map<String, Set<ProblemCode>> REFUSALS = Map.ofEntries(
            Map.entry("POST " + API + "/outlook/authorizations",
                    EnumSet.of(ProblemCode.NOT_FOUND, ProblemCode.FORBIDDEN, ProblemCode.OUTLOOK_NOT_CONFIGURED)),
            Map.entry("POST " + API + "/outlook/connections/{id}/shared-mailboxes",
                    EnumSet.of(ProblemCode.INVALID_ADDRESS, ProblemCode.SHARED_SCOPES_MISSING, ProblemCode.MAILBOX_ACCESS_DENIED,
                    ProblemCode.MAILBOX_NOT_FOUND, ProblemCode.ALREADY_CONNECTED, ProblemCode.PARENT_NOT_HEALTHY,
                    ProblemCode.RECONNECT_REQUIRED, ProblemCode.THROTTLED, ProblemCode.MICROSOFT_UNAVAILABLE)),
            Map.entry("POST " + API + "/messages",
                    EnumSet.of(ProblemCode.FORBIDDEN, ProblemCode.SEND_AS_DENIED, ProblemCode.MAILBOX_ACCESS_DENIED,
                    ProblemCode.RECONNECT_REQUIRED, ProblemCode.THROTTLED, ProblemCode.MICROSOFT_UNAVAILABLE,
                    ProblemCode.IDEMPOTENCY_KEY_IN_USE, ProblemCode.IDEMPOTENCY_KEY_REUSED, ProblemCode.PAYLOAD_TOO_LARGE)),
            Map.entry("POST " + API + "/messages/{id}/reply",
                    EnumSet.of(ProblemCode.FORBIDDEN, ProblemCode.SEND_AS_DENIED, ProblemCode.MAILBOX_ACCESS_DENIED,
                    ProblemCode.RECONNECT_REQUIRED, ProblemCode.THROTTLED, ProblemCode.MICROSOFT_UNAVAILABLE,
                    ProblemCode.IDEMPOTENCY_KEY_IN_USE, ProblemCode.IDEMPOTENCY_KEY_REUSED, ProblemCode.MESSAGE_REMOVED,
                    ProblemCode.PAYLOAD_TOO_LARGE)),
            Map.entry("POST " + API + "/messages/{id}/forward",
                    EnumSet.of(ProblemCode.FORBIDDEN, ProblemCode.SEND_AS_DENIED, ProblemCode.MAILBOX_ACCESS_DENIED,
                    ProblemCode.RECONNECT_REQUIRED, ProblemCode.THROTTLED, ProblemCode.MICROSOFT_UNAVAILABLE,
                    ProblemCode.IDEMPOTENCY_KEY_IN_USE, ProblemCode.IDEMPOTENCY_KEY_REUSED, ProblemCode.MESSAGE_REMOVED,
                    ProblemCode.PAYLOAD_TOO_LARGE)),
            Map.entry("PATCH " + API + "/messages/{id}",
                    EnumSet.of(ProblemCode.MAILBOX_ACCESS_DENIED, ProblemCode.RECONNECT_REQUIRED, ProblemCode.THROTTLED,
                    ProblemCode.MICROSOFT_UNAVAILABLE)),
            Map.entry("GET " + API + "/messages",
                    EnumSet.of(ProblemCode.INVALID_REQUEST, ProblemCode.NOT_FOUND)),
            Map.entry("GET " + API + "/conversations",
                    EnumSet.of(ProblemCode.INVALID_REQUEST, ProblemCode.NOT_FOUND)),
            Map.entry("POST " + API + "/graph/notifications",
                    EnumSet.of(ProblemCode.PAYLOAD_TOO_LARGE)),
            Map.entry("POST " + API + "/graph/lifecycle",
                    EnumSet.of(ProblemCode.PAYLOAD_TOO_LARGE)),
            Map.entry("GET " + API + "/messages/{id}/attachments/{attachmentId}",
                    EnumSet.of(ProblemCode.FORBIDDEN, ProblemCode.INVALID_REQUEST, ProblemCode.MAILBOX_ACCESS_DENIED,
                    ProblemCode.RECONNECT_REQUIRED, ProblemCode.THROTTLED, ProblemCode.MICROSOFT_UNAVAILABLE)),
            Map.entry("GET " + API + "/admin/push-scope", EnumSet.of(ProblemCode.INVALID_REQUEST, ProblemCode.FORBIDDEN)),
            Map.entry("POST " + API + "/admin/push-scope/canary", EnumSet.of(ProblemCode.FORBIDDEN)),
            Map.entry("POST " + API + "/outlook/connections/{id}/diagnose", EnumSet.of(ProblemCode.NOT_FOUND)),
            // a cursor or Last-Event-ID older than changes.retention: changes after it were removed, re-read and start anew
            Map.entry("GET " + API + "/changes", EnumSet.of(ProblemCode.INVALID_REQUEST, ProblemCode.CURSOR_EXPIRED)),
            Map.entry("GET " + API + "/changes/stream", EnumSet.of(ProblemCode.INVALID_REQUEST, ProblemCode.CURSOR_EXPIRED)));

    /** One example per request body, as the UI (or Microsoft, for the public endpoints) sends it. */
    private static final Map<String, Object> REQUEST_EXAMPLES = Map.ofEntries(
            Map.entry("POST " + API + "/outlook/authorizations",
                    Map.of("returnUrl", "/admin/outlook.xhtml")),
            Map.entry("POST " + API + "/outlook/connections/{id}/shared-mailboxes",
                    Map.of("address", "support@acme.com")),
            Map.entry("POST " + API + "/messages",
                    ordered("from", "support@acme.com", "to", List.of(Map.of("address", "jo@customer.example", "name", "Jo Doe")),
                    "subject", "Your order 1042", "body", Map.of("contentType", "text", "content", "Hello Jo, a new parcel is on its way."))),
            Map.entry("POST " + API + "/messages/{id}/reply",
                    ordered("from", "support@acme.com", "body", Map.of("contentType", "html", "content", "<p>Thanks, we are on it.</p>"),
                    "replyAll", true, "cc", List.of(Map.of("address", "lead@acme.com")), "bcc", List.of("archive@acme.com"))),
            Map.entry("POST " + API + "/messages/{id}/forward",
                    ordered("to", List.of(Map.of("address", "billing@acme.com", "name", "Billing")),
                    "body", Map.of("contentType", "text", "content", "Billing, this one is yours."))),
            Map.entry("PATCH " + API + "/messages/{id}",
                    Map.of("isRead", true)),
            Map.entry("PUT " + API + "/mailboxes/{address}/signature",
                    Map.of("contentType", "text", "content", "Contoso Support · +1 555 0100")),
            Map.entry("POST " + API + "/graph/notifications",
                    Map.of("value", List.of(ordered("subscriptionId", "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                    "clientState", "the secret given at subscription", "changeType", "created",
                    "resource", "Users/00000000-0000-0000-0000-000000000001/Messages/AAMkAGUAAAwTW09AAA=",
                    "subscriptionExpirationDateTime", "2026-12-02T10:00:00Z", "tenantId", "4f1c7d2a-9b3e-4c6f-8a15-2d7e9b0c1a11")))),
            Map.entry("POST " + API + "/graph/lifecycle",
                    Map.of("value", List.of(ordered("subscriptionId", "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                    "clientState", "the secret given at subscription", "lifecycleEvent", "reauthorizationRequired",
                    "subscriptionExpirationDateTime", "2026-12-02T10:00:00Z", "tenantId", "4f1c7d2a-9b3e-4c6f-8a15-2d7e9b0c1a11")))),
            Map.entry("POST " + API + "/outlook/callback",
                    ordered("code", "0.AX0A…", "state", "Jx2…", "session_state", "5f1c…")),
            Map.entry("PUT " + API + "/outlook/connections/{id}/folders",
                    Map.of("selected", List.of("inbox", "sent", "AQMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAuAAADvsTL2Kq7S0apD-a5JAbNfwEAzd4RAAAAAA=="))),
            Map.entry("POST " + API + "/admin/push-scope/canary", Map.of("address", "ceo@acme.com")));

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(PROBLEM_SCHEMA, problemSchema());
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            String key = method.name() + " " + path;
            successStatus(key, path, operation);
            describeRequest(key, path, operation);
            describeRefusals(refusals(key, path, operation), operation);
        }));
        uniqueOperationIds(openAPI);
        withoutPayaraEndpoints(openAPI);
        describeConnectionFields(components);
    }

    /** What a Connection's fields mean where the scan cannot know it (API.md names them only). */
    private static void describeConnectionFields(Components components) {
        Schema connection = components.getSchemas() == null ? null : components.getSchemas().get("ConnectionView");
        Schema displayName = connection == null || connection.getProperties() == null ? null : connection.getProperties().get("displayName");
        if (displayName != null) {
            displayName.setDescription("The name Microsoft gives the mailbox (a shared mailbox's directory name, e.g. \"Contoso Support\","
                    + " read with User.ReadBasic.All and kept current by sync); the address when Microsoft does not give it to the"
                    + " connection's token");
        }
    }

    /**
     * The scan names an operation after its Java method, so three resources' {@code list} and {@code get} collide; an
     * operationId must be unique in the document. A repeated one gets the path's words: {@code listMessages}.
     */
    private static void uniqueOperationIds(OpenAPI openAPI) {
        Map<String, Long> uses = openAPI.getPaths().getPathItems().values().stream()
                .flatMap(item -> item.getOperations().values().stream())
                .map(Operation::getOperationId).filter(java.util.Objects::nonNull)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(operation -> {
            String id = operation.getOperationId();
            if (id != null && uses.get(id) > 1) {
                StringBuilder named = new StringBuilder(id);
                for (String word : path.substring(API.length()).split("[/{}\\-]+")) {
                    if (!word.isEmpty()) {
                        named.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                    }
                }
                operation.setOperationId(named.toString());
            }
        }));
    }

    /**
     * Payara adds a top-level {@code endpoints} map (the deployment's URLs) that the OpenAPI specification does not
     * allow there (only {@code x-} extensions), so validators reject the document. It is not part of the
     * MicroProfile model, so it is cleared through Payara's own setter when there is one.
     */
    private static void withoutPayaraEndpoints(OpenAPI openAPI) {
        try {
            openAPI.getClass().getMethod("setEndpoints", Map.class).invoke(openAPI, new TreeMap<String, Set<String>>());
        } catch (ReflectiveOperationException | RuntimeException notPayara) {
            // another implementation: nothing to clear
        }
    }

    private static boolean isPublic(String path) {
        return path.startsWith(API + "/outlook/callback") || path.startsWith(API + "/graph/");
    }

    private static Set<ProblemCode> refusals(String key, String path, Operation operation) {
        Set<ProblemCode> codes = EnumSet.of(ProblemCode.INTERNAL_ERROR);
        if (!isPublic(path)) {
            codes.add(ProblemCode.UNAUTHENTICATED);
        }
        if (operation.getRequestBody() != null && !path.startsWith(API + "/outlook/callback")) {
            codes.addAll(EnumSet.of(ProblemCode.MALFORMED_REQUEST, ProblemCode.PAYLOAD_TOO_LARGE, ProblemCode.UNSUPPORTED_MEDIA_TYPE));
            if (!isPublic(path)) {
                codes.add(ProblemCode.INVALID_REQUEST);
            }
        }
        if (path.contains("{")) {
            codes.add(ProblemCode.NOT_FOUND);
        }
        if (path.startsWith(API + "/changes")) {
            // a cursor or Last-Event-ID that is no position, a limit out of range
            codes.add(ProblemCode.INVALID_REQUEST);
        }
        codes.addAll(REFUSALS.getOrDefault(key, Set.of()));
        return codes;
    }

    /** JAX-RS answers 200 for a method that returns its entity; the scan calls that "default". */
    private static void successStatus(String key, String path, Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            return;
        }
        boolean hasSuccess = responses.getAPIResponses() != null
                && responses.getAPIResponses().keySet().stream().anyMatch(status -> status.startsWith("2") || status.startsWith("3"));
        APIResponse scanned = responses.getDefaultValue();
        if (path.startsWith(API + "/graph/")) {
            responses.removeAPIResponse(APIResponses.DEFAULT);
            responses.addAPIResponse("200", OASFactory.createAPIResponse()
                    .description("The validation handshake: the validationToken query parameter echoed")
                    .content(OASFactory.createContent().addMediaType("text/plain",
                            OASFactory.createMediaType().schema(typed(Schema.SchemaType.STRING)))));
            responses.addAPIResponse("202", OASFactory.createAPIResponse()
                    .description("Acknowledged at once; notifications for an unknown subscription or with a wrong clientState are ignored")
                    // Payara's writer needs a content on every response, even an empty one.
                    .content(OASFactory.createContent()));
            return;
        }
        if (!hasSuccess && scanned != null) {
            responses.removeAPIResponse(APIResponses.DEFAULT);
            if (scanned.getDescription() == null || scanned.getDescription().isBlank()) {
                scanned.setDescription("OK");
            }
            if (scanned.getContent() == null) {
                scanned.setContent(OASFactory.createContent());
            }
            responses.addAPIResponse("200", scanned);
        }
    }

    private static void describeRequest(String key, String path, Operation operation) {
        RequestBody body = operation.getRequestBody();
        if (body == null) {
            return;
        }
        Object example = REQUEST_EXAMPLES.get(key);
        if (path.startsWith(API + "/outlook/callback")) {
            Schema form = typed(Schema.SchemaType.OBJECT);
            for (String field : List.of("code", "state", "error", "error_description", "session_state")) {
                form.addProperty(field, typed(Schema.SchemaType.STRING));
            }
            body.setContent(OASFactory.createContent().addMediaType("application/x-www-form-urlencoded",
                    OASFactory.createMediaType().schema(form).example(example)));
            return;
        }
        if (path.startsWith(API + "/graph/")) {
            body.setRequired(false);
            body.setDescription("Change notifications from Microsoft Graph; empty for the validation handshake");
            body.setContent(OASFactory.createContent().addMediaType("application/json",
                    OASFactory.createMediaType().schema(typed(Schema.SchemaType.OBJECT)).example(example)));
            return;
        }
        Content content = body.getContent();
        if (content == null || content.getMediaTypes() == null || example == null) {
            return;
        }
        for (var entry : content.getMediaTypes().entrySet()) {
            MediaType media = entry.getValue();
            Object shown = entry.getKey().startsWith("multipart/")
                    // the JSON request goes in the form's "message" part, each file in a part of its own
                    ? ordered("message", example, "file", "(the file's bytes; one part per file)") : example;
            if (media.getExample() == null && (media.getExamples() == null || media.getExamples().isEmpty())) {
                media.setExample(shown);
            }
        }
    }

    private static void describeRefusals(Set<ProblemCode> codes, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        Map<Integer, List<ProblemCode>> byStatus = codes.stream()
                .collect(Collectors.groupingBy(ProblemCode::status, TreeMap::new, Collectors.toList()));
        byStatus.forEach((status, sameStatus) -> {
            String name = String.valueOf(status);
            if (operation.getResponses().hasAPIResponse(name)) {
                return;
            }
            MediaType problem = OASFactory.createMediaType()
                    .schema(OASFactory.createSchema().ref(PROBLEM_SCHEMA));
            for (ProblemCode code : sameStatus) {
                Problem example = Problem.of(code, code.title());
                problem.addExample(code.name(), OASFactory.createExample().summary(code.title())
                        .value(ordered("type", example.type(), "title", example.title(), "status", example.status(),
                                "detail", example.detail(), "code", example.code())));
            }
            operation.getResponses().addAPIResponse(name, OASFactory.createAPIResponse()
                    .description(sameStatus.stream().map(code -> code.name() + " (" + code.title() + ")")
                            .collect(Collectors.joining(", ")))
                    .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, problem)));
        });
    }

    private static Schema problemSchema() {
        Schema text = typed(Schema.SchemaType.STRING);
        Schema fieldError = typed(Schema.SchemaType.OBJECT)
                .addProperty("field", text).addProperty("message", text);
        return typed(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem document; code is the stable machine code, detail the sentence to show")
                .addProperty("type", typed(Schema.SchemaType.STRING).format("uri"))
                .addProperty("title", text)
                .addProperty("status", typed(Schema.SchemaType.INTEGER).format("int32"))
                .addProperty("detail", text)
                .addProperty("code", typed(Schema.SchemaType.STRING)
                        .enumeration(EnumSet.allOf(ProblemCode.class).stream().map(code -> (Object) code.name()).toList()))
                .addProperty("errors", typed(Schema.SchemaType.ARRAY).items(fieldError)
                        .description("for INVALID_REQUEST: the offending fields"))
                .required(List.of("type", "title", "status", "code"));
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * A schema of one type. MicroProfile OpenAPI 3.1 (Payara) has {@code Schema.type(SchemaType)}; 4.0 (WildFly 39)
     * replaced it with a list of types ({@code addType}): whichever this server's API has is used.
     */
    static Schema typed(Schema.SchemaType type) {
        Schema schema = OASFactory.createSchema();
        try {
            Method setter = SCHEMA_TYPE_SETTER;
            setter.invoke(schema, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set a schema type with " + SCHEMA_TYPE_SETTER, e);
        }
        return schema;
    }

    private static final Method SCHEMA_TYPE_SETTER = schemaTypeSetter();

    private static Method schemaTypeSetter() {
        for (String name : new String[] {"type", "addType"}) {
            try {
                return Schema.class.getMethod(name, Schema.SchemaType.class);
            } catch (NoSuchMethodException absent) {
                // the other version of the API
            }
        }
        throw new IllegalStateException("MicroProfile OpenAPI's Schema has neither type(SchemaType) nor addType(SchemaType)");
    }
}
