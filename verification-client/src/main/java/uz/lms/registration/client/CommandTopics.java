package uz.lms.registration.client;

import uz.lms.registration.contracts.Topics;

/**
 * The command topics a requester writes: each producer has a pair of its own (the contract's table), because
 * verification-service grants a command what its topic allows, and Kafka's ACLs let each producer write only its own.
 */
public enum CommandTopics {

    /** The gateway's: registrations from HTTP callers, and codes checked over HTTP (the HTTP budget). */
    GATEWAY(Topics.REGISTRATION_REQUESTS, Topics.VERIFICATION_REQUESTS),

    /** The bot's: contacts shared with it (the number's attestation), and codes typed in the chat (the chat's budget). */
    CHAT(Topics.CHAT_REGISTRATIONS, Topics.CHAT_VERIFICATIONS);

    private final String registrations;
    private final String verifications;

    CommandTopics(String registrations, String verifications) {
        this.registrations = registrations;
        this.verifications = verifications;
    }

    /** Where {@link uz.lms.registration.contracts.RegisterUser} commands go. */
    public String registrations() {
        return registrations;
    }

    /** Where {@link uz.lms.registration.contracts.VerifyCode} commands go. */
    public String verifications() {
        return verifications;
    }
}
