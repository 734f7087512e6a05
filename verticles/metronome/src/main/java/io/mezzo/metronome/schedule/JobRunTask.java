package io.mezzo.metronome.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One Mesos task of a run, as the API shows it in {@code tasks[]}: one per launched attempt.
 *
 * @param status      the latest Mesos task state, e.g. {@code TASK_RUNNING}
 * @param startedAt   when the task was launched
 * @param completedAt when a terminal state arrived; null while it lives
 * @param agentId     the agent it was launched on (for kills and reconciliation); not shown in the API
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRunTask(String id, String status, Instant startedAt, Instant completedAt, String agentId) {

  public JobRunTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
  }

  /** This task after a status update: a later terminal state keeps the first completion time. */
  public JobRunTask updated(String newStatus, boolean terminal, Instant now, String agent) {
    Instant completed = completedAt != null ? completedAt : terminal ? now : null;
    return new JobRunTask(id, newStatus, startedAt == null ? now : startedAt, completed,
        agent != null ? agent : agentId);
  }
}
