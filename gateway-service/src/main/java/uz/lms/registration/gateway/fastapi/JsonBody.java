package uz.lms.registration.gateway.fastapi;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a JSON request body field by field and collects every problem as pydantic would report it:
 * the declared fields in order, then the unknown ones. Strict: a float, a string or a boolean is
 * never taken for an integer, nor a number for a string.
 * <p>
 * Only the values of the fields named as echoable are repeated in an error's {@code input}; any other
 * value (a verification code, an unknown field, a whole body) shows as {@value #REDACTED}, so a
 * code never comes back in a response.
 */
public final class JsonBody {

    public static final String REDACTED = "[redacted]";
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private final @Nullable JsonNode body;
    private final Set<String> echoable;
    private final Set<String> declared = new LinkedHashSet<>();
    private final List<ValidationError> errors = new ArrayList<>();

    private JsonBody(@Nullable JsonNode body, Set<String> echoable) {
        this.body = body;
        this.echoable = echoable;
        if (body == null || body.isNull() || body.isMissingNode()) {
            errors.add(ValidationError.missingBody());
        } else if (!body.isObject()) {
            errors.add(ValidationError.notAnObject());
        }
    }

    /** @param echoable the fields whose values may be repeated in an error's {@code input} */
    public static JsonBody of(@Nullable JsonNode body, String... echoable) {
        return new JsonBody(body, Set.of(echoable));
    }

    /** A JSON integer in 1..2^63-1, or 0 after recording why not. */
    public long positiveLong(String field) {
        JsonNode value = field(field);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber()) {
            reject(field, "int_type", "Input should be a valid integer", null);
            return 0;
        }
        BigInteger number = value.bigIntegerValue();
        if (number.signum() <= 0) {
            reject(field, "greater_than_equal", "Input should be greater than or equal to 1", Map.of("ge", 1));
            return 0;
        }
        if (number.compareTo(MAX_LONG) > 0) {
            reject(
                    field,
                    "less_than_equal",
                    "Input should be less than or equal to " + Long.MAX_VALUE,
                    Map.of("le", Long.MAX_VALUE));
            return 0;
        }
        return number.longValue();
    }

    /** A JSON string, or null after recording why not. */
    public @Nullable String string(String field) {
        JsonNode value = field(field);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            reject(field, "string_type", "Input should be a valid string", null);
            return null;
        }
        return value.stringValue();
    }

    /** Records a problem with a field that was read successfully but is not acceptable. */
    public void reject(String field, String type, String msg, @Nullable Map<String, Object> ctx) {
        errors.add(new ValidationError(type, List.of("body", field), msg, input(field, body.get(field)), ctx));
    }

    /** Throws {@link InvalidRequest} with every problem found, unknown fields included. */
    public void validate() {
        if (body != null && body.isObject()) {
            for (String name : body.propertyNames()) {
                if (!declared.contains(name)) {
                    errors.add(new ValidationError(
                            "extra_forbidden",
                            List.of("body", name),
                            "Extra inputs are not permitted",
                            REDACTED,
                            null));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
    }

    private @Nullable JsonNode field(String name) {
        declared.add(name);
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode value = body.get(name);
        if (value == null) {
            errors.add(new ValidationError("missing", List.of("body", name), "Field required", redacted(body), null));
        }
        return value;
    }

    private @Nullable Object input(String field, @Nullable JsonNode value) {
        return echoable.contains(field) ? value : REDACTED;
    }

    private JsonNode redacted(JsonNode object) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        object.properties()
                .forEach(entry -> copy.set(
                        entry.getKey(),
                        echoable.contains(entry.getKey())
                                ? entry.getValue()
                                : JsonNodeFactory.instance.stringNode(REDACTED)));
        return copy;
    }
}
