package io.mezzo.marathon.model;

/** An artifact the Mesos fetcher downloads into the sandbox before the task starts. */
public record FetchUri(String uri, Boolean extract, Boolean executable, Boolean cache, String destPath) {

  public FetchUri {
    extract = extract == null ? Boolean.TRUE : extract;
    executable = executable == null ? Boolean.FALSE : executable;
    cache = cache == null ? Boolean.FALSE : cache;
  }
}
