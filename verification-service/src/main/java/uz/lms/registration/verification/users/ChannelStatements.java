package uz.lms.registration.verification.users;

/**
 * The statements of {@link Users} that set one channel's counters, written out whole for each channel: the text a
 * statement runs is the text here, and the chat's has no clause that only the HTTP API needs. Each returns the row
 * it changed, as {@link Users#COLUMNS}, for the user's next command in the same batch.
 */
record ChannelStatements(String issueCode, String markVerified, String recordFailedCheck) {

    static ChannelStatements of(Channel channel) {
        return switch (channel) {
            case CHAT -> CHAT;
            case API -> API;
        };
    }

    private static final String CHAT_ISSUE_CODE = """
            UPDATE users SET
                phone_number = :phone,
                attested_phone_number = CASE WHEN :attests THEN :phone ELSE attested_phone_number END,
                language = CASE WHEN :attests THEN :language ELSE language END,
                verification_code = :hash, expires_at = :expires,
                chat_failed_attempts = 0, api_failed_attempts = 0,
                chat_codes_in_window =
                    CASE WHEN chat_window_started_at IS NULL OR chat_window_started_at <= :windowFloor
                         THEN 1 ELSE chat_codes_in_window + 1 END,
                chat_window_started_at =
                    CASE WHEN chat_window_started_at IS NULL OR chat_window_started_at <= :windowFloor
                         THEN :now ELSE chat_window_started_at END,
                chat_last_code_at = :now, updated_at = :now
            WHERE telegram_id = :id AND NOT is_verified
              AND (:mayChangeNumber OR (phone_number = :phone AND attested_phone_number = :phone))
              AND (chat_last_code_at IS NULL OR chat_last_code_at <= :cooldownFloor)
              AND (chat_window_started_at IS NULL OR chat_window_started_at <= :windowFloor
                   OR chat_codes_in_window < :maxCodes)
            RETURNING\s""" + Users.COLUMNS;

    private static final String CHAT_MARK_VERIFIED = """
            UPDATE users SET is_verified = true, verification_code = NULL, verified_at = :now, updated_at = :now
            WHERE telegram_id = :id AND NOT is_verified AND verification_code = :hash
              AND expires_at > :now AND chat_failed_attempts < :maxAttempts
              AND NOT EXISTS (SELECT 1 FROM users other
                              WHERE other.phone_number = users.phone_number AND other.is_verified)
            RETURNING\s""" + Users.COLUMNS;

    /** Counts only while the code has attempts left: the cap is in the statement that counts, not in a read before. */
    private static final String CHAT_RECORD_FAILED_CHECK = """
            UPDATE users SET chat_failed_attempts = chat_failed_attempts + 1, updated_at = :now
            WHERE telegram_id = :id AND NOT is_verified AND chat_failed_attempts < :maxAttempts
            RETURNING\s""" + Users.COLUMNS;

    private static final String API_ISSUE_CODE = """
            UPDATE users SET
                phone_number = :phone,
                attested_phone_number = CASE WHEN :attests THEN :phone ELSE attested_phone_number END,
                language = CASE WHEN :attests THEN :language ELSE language END,
                verification_code = :hash, expires_at = :expires,
                chat_failed_attempts = 0, api_failed_attempts = 0,
                api_codes_in_window =
                    CASE WHEN api_window_started_at IS NULL OR api_window_started_at <= :windowFloor
                         THEN 1 ELSE api_codes_in_window + 1 END,
                api_window_started_at =
                    CASE WHEN api_window_started_at IS NULL OR api_window_started_at <= :windowFloor
                         THEN :now ELSE api_window_started_at END,
                api_last_code_at = :now, updated_at = :now
            WHERE telegram_id = :id AND NOT is_verified
              AND (:mayChangeNumber OR (phone_number = :phone AND attested_phone_number = :phone))
              AND (api_last_code_at IS NULL OR api_last_code_at <= :cooldownFloor)
              AND (api_window_started_at IS NULL OR api_window_started_at <= :windowFloor
                   OR api_codes_in_window < :maxCodes)
            RETURNING\s""" + Users.COLUMNS;

    /** As the chat's, unless a run of failures over HTTP has locked the account out. */
    private static final String API_MARK_VERIFIED = """
            UPDATE users SET is_verified = true, verification_code = NULL, verified_at = :now, updated_at = :now
            WHERE telegram_id = :id AND NOT is_verified AND verification_code = :hash
              AND expires_at > :now AND api_failed_attempts < :maxAttempts
              AND (api_failures_in_row < :maxFailures OR api_last_failure_at <= :lockoutFloor)
              AND NOT EXISTS (SELECT 1 FROM users other
                              WHERE other.phone_number = users.phone_number AND other.is_verified)
            RETURNING\s""" + Users.COLUMNS;

    /**
     * Counts against the code and in the run of failures only while the code has attempts left and no lockout
     * holds, the same conditions {@link #API_MARK_VERIFIED} has: the caps are in the statement that counts.
     */
    private static final String API_RECORD_FAILED_CHECK = """
            UPDATE users SET
                api_failed_attempts = api_failed_attempts + 1,
                api_failures_in_row = CASE WHEN api_failures_in_row >= :maxFailures
                                            AND api_last_failure_at <= :lockoutFloor
                                           THEN 1 ELSE api_failures_in_row + 1 END,
                api_last_failure_at = :now, updated_at = :now
            WHERE telegram_id = :id AND NOT is_verified AND api_failed_attempts < :maxAttempts
              AND (api_failures_in_row < :maxFailures OR api_last_failure_at <= :lockoutFloor)
            RETURNING\s""" + Users.COLUMNS;

    private static final ChannelStatements CHAT =
            new ChannelStatements(CHAT_ISSUE_CODE, CHAT_MARK_VERIFIED, CHAT_RECORD_FAILED_CHECK);

    private static final ChannelStatements API =
            new ChannelStatements(API_ISSUE_CODE, API_MARK_VERIFIED, API_RECORD_FAILED_CHECK);
}
