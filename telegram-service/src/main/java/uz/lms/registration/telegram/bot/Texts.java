package uz.lms.registration.telegram.bot;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/** The bot's texts, from the {@code messages} bundles: Uzbek by default, Russian and English on request. */
@Component
public class Texts {

    private final MessageSource messages;

    Texts(MessageSource messages) {
        this.messages = messages;
    }

    /** The bundle language for a Telegram {@code language_code} ({@code ru}, {@code en-US}, ...): uz, ru or en. */
    public static String language(@Nullable String languageCode) {
        if (languageCode == null) {
            return "uz";
        }
        return switch (languageCode.toLowerCase(Locale.ROOT).split("-")[0]) {
            case "ru" -> "ru";
            case "en" -> "en";
            default -> "uz";
        };
    }

    public String get(String key, String language, Object... arguments) {
        return messages.getMessage(key, arguments, Locale.forLanguageTag(language));
    }
}
