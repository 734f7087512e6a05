package io.mezzo.dns.records;

import java.util.List;

/**
 * The outcome of looking a question up in our zones.
 *
 * @param authoritative false when the name is in none of our zones: the query is to be forwarded
 */
public record Answer(boolean authoritative, Rcode rcode, List<ResourceRecord> answers, List<ResourceRecord> authority,
                     List<ResourceRecord> additional) {

  public static final Answer NOT_OURS = new Answer(false, Rcode.REFUSED, List.of(), List.of(), List.of());

  public Answer {
    answers = List.copyOf(answers);
    authority = List.copyOf(authority);
    additional = List.copyOf(additional);
  }
}
