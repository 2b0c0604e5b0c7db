package uz.lms.registration.telegram.bot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/** Only when {@code telegram.bot-token} is set: without a token there is no bot to poll or send as. */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(BotTokenCondition.class)
public @interface ConditionalOnBotToken {}
