package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The path a {@link VerifyCode} came by. A code typed in the chat comes from the account itself; a
 * check over HTTP may come from anyone, so each path has its own budget of wrong checks.
 */
public enum Channel {

    /** Typed in the private chat with the bot, by the account's owner. */
    CHAT("chat"),

    /** {@code POST /verify}, by whoever can reach the gateway. */
    API("api");

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** By wire name only: Jackson would also take an enum's index, {@code 0} or {@code "0"}. */
    @JsonCreator
    public static Channel of(String wireName) {
        return Arrays.stream(values())
                .filter(channel -> channel.wireName.equals(wireName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("channel must be chat or api"));
    }
}
