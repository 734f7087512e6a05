package io.mezzo.marathon.api;

import io.mezzo.marathon.core.MarathonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marathon's {@code label=} selector: comma separated terms that must all hold, each {@code k}, {@code k==v},
 * {@code k!=v}, {@code k in (a,b)} or {@code k notin (a,b)}.
 */
final class LabelSelector {

  private static final Pattern TERM = Pattern.compile(
      "\\s*([^\\s=!,()]+)\\s*(?:(==|!=)\\s*([^\\s,()]*)|(in|notin)\\s*\\(([^)]*)\\))?\\s*");

  private record Term(String key, String op, Set<String> values) {
  }

  private final List<Term> terms;

  private LabelSelector(List<Term> terms) {
    this.terms = terms;
  }

  static LabelSelector parse(String text) {
    List<Term> terms = new ArrayList<>();
    Matcher m = TERM.matcher(text);
    int pos = 0;
    while (pos < text.length()) {
      m.region(pos, text.length());
      if (!m.lookingAt()) {
        throw new MarathonException(400, MarathonException.message("Invalid label selector: " + text));
      }
      String op = m.group(2) != null ? m.group(2) : m.group(4) != null ? m.group(4) : "exists";
      String values = m.group(3) != null ? m.group(3) : m.group(5) != null ? m.group(5) : "";
      Set<String> set = new java.util.HashSet<>();
      for (String v : values.split(",")) {
        set.add(v.trim());
      }
      terms.add(new Term(m.group(1), op, set));
      pos = m.end();
      if (pos < text.length()) {
        if (text.charAt(pos) != ',') {
          throw new MarathonException(400, MarathonException.message("Invalid label selector: " + text));
        }
        pos++;
      }
    }
    return new LabelSelector(terms);
  }

  boolean matches(Map<String, String> labels) {
    for (Term t : terms) {
      String value = labels.get(t.key());
      boolean ok = switch (t.op()) {
        case "==", "in" -> value != null && t.values().contains(value);
        case "!=", "notin" -> value == null || !t.values().contains(value);
        default -> value != null;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
