package io.mezzo.metronome.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A job as Metronome's {@code /v1/jobs} accepts it. Missing collections become empty; nothing is validated here,
 * see {@link Validator}.
 *
 * @param id           dotted, lower-case path such as {@code prod.backup-db}
 * @param dependencies jobs that must succeed before this one runs (not combinable with schedules)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(String id, String description, Map<String, String> labels, JobRunSpec run,
                      List<JobDependency> dependencies) {

  public JobSpec {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
  }

  /** A reference to another job by id. */
  public record JobDependency(String id) {
  }
}
