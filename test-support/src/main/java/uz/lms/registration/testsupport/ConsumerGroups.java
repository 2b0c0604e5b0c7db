package uz.lms.registration.testsupport;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/** Who holds a consumer group's partitions: what a test that kills an instance must know before it does. */
public final class ConsumerGroups {

    /** verification-service's consumer groups, one per command topic: whoever holds them applies the commands. */
    public static final List<String> VERIFICATION_COMMANDS = List.of(
            "verification-service.registrations",
            "verification-service.verifications",
            "verification-service.chat-registrations",
            "verification-service.chat-verifications");

    private ConsumerGroups() {}

    /**
     * Every one of the {@code partitions} partitions of each group is assigned, and only to members whose static
     * {@code group.instance.id} starts with {@code instanceId}.
     */
    public static boolean allHeldBy(Admin admin, Collection<String> groups, String instanceId, int partitions)
            throws ExecutionException, InterruptedException {
        for (ConsumerGroupDescription group :
                admin.describeConsumerGroups(groups).all().get().values()) {
            int held = 0;
            for (MemberDescription member : group.members()) {
                int assigned = member.assignment().topicPartitions().size();
                if (assigned > 0 && !member.groupInstanceId().orElse("").startsWith(instanceId)) {
                    return false;
                }
                held += assigned;
            }
            if (held < partitions) {
                return false;
            }
        }
        return true;
    }
}
