package io.highwater.cp;

import io.highwater.event.AggregateKey;
import io.highwater.event.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When a group can be planned from the {@link TouchIndex} alone, and what its write statement must
 * then check (ADR 0009). Pure.
 *
 * <p>A group is planned from memory when every action's aggregate is either held and untouched after
 * the batch's base offset, or not held at all; the write then checks those not held. Planning needs the
 * log instead when a held aggregate was touched after the base (a conflict, whose unresolved offsets
 * the log lists), when a batch is a dry run (nothing is written, so the write checks nothing), and when
 * an aggregate not held meets an effect of the same group (its stored links would be needed to tell
 * whether the effect touches it).
 */
final class PlanFromMemory {

  /** Check base meaning "no check, just answer the stored links": nothing is stored after it. */
  static final long LINKS_ONLY = Long.MAX_VALUE;

  private PlanFromMemory() {}

  /** The history to plan the group with, from memory; empty when the group needs the log's answers. */
  static Optional<History> history(List<AppendRequest> group, TouchIndex index) {
    boolean effects = group.stream().flatMap(r -> r.batch().events().stream()).anyMatch(e -> !e.isAction());
    History history = new History();
    for (AppendRequest request : group) {
      if (request.batch().dry()) {
        return Optional.empty();
      }
      for (Event event : request.batch().events()) {
        if (!event.isAction()) {
          continue;
        }
        AggregateKey aggregate = new AggregateKey(request.ws(), event.action().aggregate());
        if (index.holds(aggregate)) {
          if (!index.untouchedAfter(aggregate, request.batch().baseOffset())) {
            return Optional.empty();
          }
          index.links(aggregate).forEach(trigger -> history.link(aggregate, trigger));
        } else if (effects) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(history);
  }

  /**
   * Whether the outcomes planned from memory are the answers. The write checks the accepted batches
   * (their aggregates not held, and their ids against the stored ones), so an accepted batch's outcome
   * stands, and so does a repeat of the group's own events. A conflict lists offsets only the log
   * knows, and a mixed-ids rejection or a batch beyond the log may be a repeat of stored ids instead.
   */
  static boolean answers(List<AppendRequest> group, List<Outcome> outcomes) {
    for (int i = 0; i < group.size(); i++) {
      Outcome outcome = outcomes.get(i);
      boolean stands = outcome instanceof Outcome.Appended || outcome instanceof Outcome.Repeated
          || outcome instanceof Outcome.InvalidOffset && group.get(i).batch().events().stream().allMatch(e -> e.id() == null);
      if (!stands) {
        return false;
      }
    }
    return true;
  }

  /**
   * What the write checks: each aggregate not held that an accepted batch acts on, with the lowest
   * base offset it was planned against; with {@code fromMemory} false (the log was read) only its stored
   * links are asked for, so that it is held from then on.
   */
  static Map<AggregateKey, Long> checks(List<AppendRequest> group, List<Outcome> outcomes, TouchIndex index, boolean fromMemory) {
    Map<AggregateKey, Long> checks = new LinkedHashMap<>();
    for (int i = 0; i < group.size(); i++) {
      if (!(outcomes.get(i) instanceof Outcome.Appended appended) || appended.dry()) {
        continue;
      }
      AppendRequest request = group.get(i);
      long base = fromMemory ? request.batch().baseOffset() : LINKS_ONLY;
      for (Event event : request.batch().events()) {
        if (event.isAction()) {
          AggregateKey aggregate = new AggregateKey(request.ws(), event.action().aggregate());
          if (!index.holds(aggregate)) {
            checks.merge(aggregate, base, Math::min);
          }
        }
      }
    }
    return checks;
  }
}
