package io.mezzo.metronome.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Run ids in Metronome's format: the UTC time as {@code yyyyMMddHHmmss} followed by five letters or digits, e.g.
 * {@code 20160715130259A34HX}. They sort by time and are unique within a job.
 *
 * <p>Manual runs take the creation time and random characters, as Metronome does. Scheduled runs take the
 * scheduled instant and characters derived from the {@link ScheduledRunKey}, so two leaders deciding the same fire
 * time produce the same id and the run store rejects the second one.
 */
public final class RunIds {

  public static final Pattern FORMAT = Pattern.compile("^\\d{14}[0-9A-Za-z]{5}$");

  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private static final int SUFFIX = 5;

  private RunIds() {
  }

  public static String manual(Instant now, RandomGenerator random) {
    StringBuilder id = new StringBuilder(STAMP.format(now));
    for (int i = 0; i < SUFFIX; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }

  public static String forScheduled(ScheduledRunKey key) {
    byte[] digest = sha256(key.jobId() + "@" + key.scheduledAt());
    StringBuilder id = new StringBuilder(STAMP.format(key.scheduledAt()));
    for (int i = 0; i < SUFFIX; i++) {
      id.append(ALPHABET.charAt(Byte.toUnsignedInt(digest[i]) % ALPHABET.length()));
    }
    return id.toString();
  }

  /**
   * The id of the run a dependency starts: the newest completion among the triggering runs, then characters
   * derived from the job and the triggering runs' ids.
   */
  public static String forDependencies(String jobId, java.util.List<JobRun> triggering) {
    Instant stamp = triggering.stream().map(JobRun::completedAt).max(java.util.Comparator.naturalOrder())
        .orElseThrow();
    String key = jobId + "<-" + String.join(",", triggering.stream().map(r -> r.jobId() + "/" + r.id()).sorted()
        .toList());
    byte[] digest = sha256(key);
    StringBuilder id = new StringBuilder(STAMP.format(stamp));
    for (int i = 0; i < SUFFIX; i++) {
      id.append(ALPHABET.charAt(Byte.toUnsignedInt(digest[i]) % ALPHABET.length()));
    }
    return id.toString();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
