package io.mezzo.master.allocator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Orders clients (roles, or the frameworks of one role) by weighted dominant share, smallest first.
 *
 * <pre>
 * hierarchical (roles "eng", "eng/web", "ops"):     flat (frameworks):
 *
 *            root                                         root
 *          /      \                                   /    |    \
 *        eng       ops                              fw1   fw2   fw3
 *       /    \       \
 *   [eng]   eng/web  [ops]
 *              \
 *           [eng/web]
 * </pre>
 *
 * In the hierarchical form every path prefix is an inner node and each client is a leaf
 * ({@code [..]}) under the inner node of its own path, so a role can have frameworks and sub-roles
 * at once. An inner node's allocation is the sum over its subtree; the order is a depth-first walk
 * that at each level visits children by (share, path), so a role first competes with its siblings
 * and only then do its sub-roles compete among themselves. Weights are looked up by path and apply
 * to the inner node and the leaf of that path.
 *
 * <p>Each node keeps the children that hold at least one active leaf in a {@link TreeSet} keyed by
 * the child's cached share; a change of allocation removes the nodes on the leaf's path from their
 * parents' sets, recomputes their shares and reinserts them (O(depth log n)). A change of the
 * cluster total changes every share: the sorter is then marked stale, keeps counting without
 * maintaining the sets, and rebuilds them all once before the next read.
 */
final class DrfSorter {

  private static final Comparator<Node> ORDER = Comparator.comparingDouble((Node n) -> n.share)
      .thenComparing(n -> n.path)
      .thenComparing(n -> n.leaf);

  private final boolean hierarchical;
  private final Node root = new Node(null, "", false);
  private final Map<String, Node> leaves = new HashMap<>();
  private final Map<String, Node> inner = new HashMap<>();
  private final Map<String, Double> weights = new HashMap<>();
  private long[] total = Quantities.zero();
  private boolean stale;

  DrfSorter(boolean hierarchical) {
    this.hierarchical = hierarchical;
  }

  private final class Node {
    final Node parent;
    final String path;
    final boolean leaf;
    final Map<String, Node> kids = new HashMap<>();
    final TreeSet<Node> active = new TreeSet<>(ORDER);
    final long[] allocation = Quantities.zero();
    int activeLeaves;
    double share;

    Node(Node parent, String path, boolean leaf) {
      this.parent = parent;
      this.path = path;
      this.leaf = leaf;
    }

    void reshare() {
      share = Quantities.dominantShare(allocation, total, weights.getOrDefault(path, 1.0));
    }
  }

  boolean contains(String client) {
    return leaves.containsKey(client);
  }

  /** Adds an inactive client with nothing allocated; a no-op for a known client. */
  void add(String client) {
    if (leaves.containsKey(client)) {
      return;
    }
    Node parent = root;
    if (hierarchical) {
      int from = 0;
      while (from <= client.length()) {
        int slash = client.indexOf('/', from);
        String path = slash < 0 ? client : client.substring(0, slash);
        Node p = parent;
        parent = parent.kids.computeIfAbsent(path, x -> new Node(p, x, false));
        inner.putIfAbsent(path, parent);
        from = slash < 0 ? client.length() + 1 : slash + 1;
      }
    }
    Node leaf = new Node(parent, client, true);
    leaf.reshare();
    parent.kids.put(client, leaf);
    leaves.put(client, leaf);
  }

  /** Removes a client, its allocation and the inner nodes left without clients. */
  void remove(String client) {
    Node leaf = leaves.get(client);
    if (leaf == null) {
      return;
    }
    deactivate(client);
    allocated(client, leaf.allocation.clone(), -1);
    leaves.remove(client);
    Node n = leaf;
    while (n != root && n.kids.isEmpty()) {
      n.parent.kids.remove(n.path);
      if (!n.leaf) {
        inner.remove(n.path);
      }
      n = n.parent;
    }
  }

  void activate(String client) {
    setActive(client, true);
  }

  void deactivate(String client) {
    setActive(client, false);
  }

  private void setActive(String client, boolean on) {
    Node leaf = leaves.get(client);
    if (leaf == null || (leaf.activeLeaves > 0) == on) {
      return;
    }
    int delta = on ? 1 : -1;
    for (Node n = leaf; n != root; n = n.parent) {
      boolean was = n.activeLeaves > 0;
      n.activeLeaves += delta;
      boolean is = n.activeLeaves > 0;
      if (!stale && was != is) {
        if (is) {
          n.parent.active.add(n);
        } else {
          n.parent.active.remove(n);
        }
      }
    }
    root.activeLeaves += delta;
  }

  boolean isActive(String client) {
    Node leaf = leaves.get(client);
    return leaf != null && leaf.activeLeaves > 0;
  }

  boolean hasActive() {
    return root.activeLeaves > 0;
  }

  boolean isEmpty() {
    return leaves.isEmpty();
  }

  /** Adds ({@code sign} 1) or takes away ({@code sign} -1) {@code q} from the client's allocation. */
  void allocated(String client, long[] q, int sign) {
    Node leaf = leaves.get(client);
    if (leaf == null) {
      return;
    }
    for (Node n = leaf; n != root; n = n.parent) {
      boolean listed = !stale && n.activeLeaves > 0;
      if (listed) {
        n.parent.active.remove(n);
      }
      Quantities.add(n.allocation, q, sign);
      n.reshare();
      if (listed) {
        n.parent.active.add(n);
      }
    }
  }

  /** What the client holds (a copy; zero for an unknown client). */
  long[] allocation(String client) {
    Node leaf = leaves.get(client);
    return leaf == null ? Quantities.zero() : leaf.allocation.clone();
  }

  /** What a role path and all its sub-roles hold (hierarchical only; a copy). */
  long[] subtreeAllocation(String path) {
    Node n = hierarchical ? inner.get(path) : leaves.get(path);
    return n == null ? Quantities.zero() : n.allocation.clone();
  }

  void setTotal(long[] clusterTotal) {
    total = clusterTotal.clone();
    stale = true;
  }

  void setWeight(String path, double weight) {
    if (weight == 1.0) {
      weights.remove(path);
    } else {
      weights.put(path, weight);
    }
    stale = true;
  }

  /** Active clients, smallest weighted share first. */
  List<String> order() {
    refresh();
    List<String> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  /** The first active client in order that {@code accept} takes, or null; {@code accept} must not change this sorter. */
  String first(Predicate<String> accept) {
    refresh();
    return find(root, accept);
  }

  private void collect(Node n, List<String> out) {
    for (Node c : n.active) {
      if (c.leaf) {
        out.add(c.path);
      } else {
        collect(c, out);
      }
    }
  }

  private String find(Node n, Predicate<String> accept) {
    for (Node c : n.active) {
      String hit = c.leaf ? (accept.test(c.path) ? c.path : null) : find(c, accept);
      if (hit != null) {
        return hit;
      }
    }
    return null;
  }

  private void refresh() {
    if (stale) {
      stale = false;
      rebuild(root);
    }
  }

  private void rebuild(Node n) {
    n.active.clear();
    for (Node c : n.kids.values()) {
      c.reshare();
      if (!c.leaf) {
        rebuild(c);
      }
      if (c.activeLeaves > 0) {
        n.active.add(c);
      }
    }
  }
}
