package uz.lms.registration.telegram.conversation;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import java.util.Optional;

/** Phone numbers from Telegram contacts, to E.164. */
final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String DEFAULT_REGION = "UZ";

    private PhoneNumbers() {}

    /**
     * Telegram gives a contact's number in international form, but often without the {@code +}
     * ({@code 998901234567}); read it as international first, then as an Uzbek national number.
     */
    static Optional<String> toE164(String number) {
        if (number == null || number.isBlank()) {
            return Optional.empty();
        }
        String trimmed = number.strip();
        List<String> candidates = trimmed.startsWith("+") ? List.of(trimmed) : List.of("+" + trimmed, trimmed);
        for (String candidate : candidates) {
            try {
                PhoneNumber parsed = UTIL.parse(candidate, DEFAULT_REGION);
                if (UTIL.isValidNumber(parsed)) {
                    return Optional.of(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164));
                }
            } catch (NumberParseException e) {
                // not this reading; try the next
            }
        }
        return Optional.empty();
    }
}
