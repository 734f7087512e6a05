package io.mezzo.marathon.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.InvalidJsonException;
import io.mezzo.marathon.model.MarathonJson;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Feeds mutated app JSON to parse + validate; only InvalidJsonException may come out, and validation never throws. */
class ParseFuzzTest {

  private static final String SEED_APP = "{\"id\":\"/prod/web\",\"cmd\":\"sleep 1\",\"instances\":2,\"cpus\":0.5,"
      + "\"mem\":64,\"env\":{\"A\":\"b\",\"S\":{\"secret\":\"s\"}},\"secrets\":{\"s\":{\"source\":\"x\"}},"
      + "\"constraints\":[[\"@hostname\",\"UNIQUE\"],[\"rack\",\"GROUP_BY\",\"2\"]],"
      + "\"portDefinitions\":[{\"port\":0,\"name\":\"http\"}],\"healthChecks\":[{\"protocol\":\"MESOS_HTTP\","
      + "\"path\":\"/h\"}],\"readinessChecks\":[{\"portName\":\"http\"}],\"upgradeStrategy\":"
      + "{\"minimumHealthCapacity\":0.5,\"maximumOverCapacity\":0.2},\"unreachableStrategy\":\"disabled\","
      + "\"container\":{\"type\":\"MESOS\",\"volumes\":[{\"containerPath\":\"d\",\"mode\":\"RO\"}]},"
      + "\"fetch\":[{\"uri\":\"http://x\"}],\"labels\":{\"k\":\"v\"},\"dependencies\":[\"../db\"],"
      + "\"networks\":[{\"mode\":\"host\"}],\"killSelection\":\"OLDEST_FIRST\"}";

  private static final String[] TOKENS = {"null", "true", "-1", "0", "1e400", "\"\"", "\"x\"", "[]", "{}", "[[]]",
      "{\"secret\":1}", "\"disabled\"", "[\"a\",\"LIKE\",\"(\"]", "1.5", "-0.0", "\"/..\"", "[null]", "99999999999"};

  @Test
  void mutatedAppJson_parsedAndValidated_onlyDeclaredFailures() {
    Random random = new Random(20240601L);
    long deadline = System.nanoTime() + 2_000_000_000L;
    int parsed = 0;
    int rejected = 0;
    while (System.nanoTime() < deadline) {
      String json = mutate(SEED_APP, random);
      try {
        AppDefinition app = MarathonJson.readApp(json);
        AppValidator.validate(app);
        GroupValidator.validateRoot(Group.root(app));
        MarathonJson.write(app);
        parsed++;
      } catch (InvalidJsonException e) {
        assertThat(e.details()).isNotEmpty();
        rejected++;
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("unexpected " + e + " for input " + json, e);
      }
    }
    assertThat(parsed).isPositive();
    assertThat(rejected).isPositive();
  }

  private static String mutate(String seed, Random r) {
    StringBuilder s = new StringBuilder(seed);
    int rounds = 1 + r.nextInt(4);
    for (int i = 0; i < rounds && s.length() > 0; i++) {
      int at = r.nextInt(s.length());
      switch (r.nextInt(5)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, "{}[]\":,0-e.".charAt(r.nextInt(11)));
        case 2 -> replaceValue(s, r);
        case 3 -> s.setCharAt(at, (char) (32 + r.nextInt(95)));
        default -> s.setLength(at);
      }
    }
    return s.toString();
  }

  /** Replaces the value after a random colon with a random token, keeping the JSON mostly well formed. */
  private static void replaceValue(StringBuilder s, Random r) {
    int colon = s.indexOf(":", r.nextInt(s.length()));
    if (colon < 0) {
      return;
    }
    int end = colon + 1;
    int depth = 0;
    boolean inString = false;
    while (end < s.length()) {
      char c = s.charAt(end);
      if (c == '"') {
        inString = !inString;
      } else if (!inString && (c == '{' || c == '[')) {
        depth++;
      } else if (!inString && (c == '}' || c == ']')) {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (!inString && c == ',' && depth == 0) {
        break;
      }
      end++;
    }
    s.replace(colon + 1, end, TOKENS[r.nextInt(TOKENS.length)]);
  }
}
