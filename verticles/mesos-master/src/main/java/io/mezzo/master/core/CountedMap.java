package io.mezzo.master.core;

import java.util.LinkedHashMap;

/**
 * An insertion-ordered map that counts its changes through {@link #put} and {@link #remove}, the only
 * ways the master changes its task and offer maps, so that sums over the values can be kept until the
 * map (or one of its values, see {@link TaskRecord#changes}) changes.
 */
final class CountedMap<K, V> extends LinkedHashMap<K, V> {
  private static final long serialVersionUID = 1L;
  private long changes;

  @Override
  public V put(K key, V value) {
    changes++;
    return super.put(key, value);
  }

  @Override
  public V remove(Object key) {
    V old = super.remove(key);
    if (old != null) {
      changes++;
    }
    return old;
  }

  @Override
  public void clear() {
    changes++;
    super.clear();
  }

  long changes() {
    return changes;
  }
}
