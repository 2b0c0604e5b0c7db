package uz.lms.registration.gateway.registration;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.gateway.fastapi.JsonBody;

/** The body of {@code POST /register}, validated, with the phone number in E.164. */
@Schema(name = "RegisterRequest")
record RegisterRequest(
        @Schema(
                name = "telegram_id",
                requiredMode = Schema.RequiredMode.REQUIRED,
                format = "int64",
                minimum = "1",
                maximum = "9223372036854775807",
                example = "123456789")
        long telegramId,

        @Schema(
                name = "phone_number",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "+998901234567",
                description = "With or without '+', spaces or dashes; without a country code it is read as Uzbek")
        String phoneNumber) {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final String DEFAULT_REGION = "UZ";
    // libphonenumber alone also accepts letters, dots, brackets and more; the contract allows these only.
    private static final Pattern ACCEPTED = Pattern.compile("\\+?[0-9][0-9 -]{0,30}");

    static RegisterRequest from(@Nullable JsonNode body) {
        JsonBody json = JsonBody.of(body, "telegram_id", "phone_number");
        long telegramId = json.positiveLong("telegram_id");
        String phone = json.string("phone_number");
        String normalized = phone == null ? null : e164(phone);
        if (phone != null && normalized == null) {
            json.reject("phone_number", "value_error", "value is not a valid phone number", null);
        }
        json.validate();
        return new RegisterRequest(telegramId, normalized);
    }

    private static @Nullable String e164(String phone) {
        String candidate = phone.strip();
        if (!ACCEPTED.matcher(candidate).matches()) {
            return null;
        }
        try {
            PhoneNumber number = PHONES.parse(candidate, DEFAULT_REGION);
            return PHONES.isValidNumber(number) ? PHONES.format(number, PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }
}
