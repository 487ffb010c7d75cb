package io.highwater.apps;

import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import io.highwater.event.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a new definition of an app changes: the views it adds and those it removes. A view that
 * stays keeps its projector, mode and options (its rows are of them), a removed view's name is not
 * used again, and the partition count is fixed once the app has events (they are placed by it).
 */
public record AppChange(List<ViewConfig> added, List<String> removed) {

  public AppChange {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
  }

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty();
  }

  /**
   * From the stored definition (none yet: every view is added) to {@code next}, or an
   * {@link InvalidInputException} naming the field that may not change.
   */
  public static AppChange between(Optional<AppConfig> stored, AppConfig next, boolean hasEvents, Set<String> retired) {
    if (stored.isPresent() && stored.get().partitions() != next.partitions() && hasEvents) {
      throw new InvalidInputException("partitions", "app '" + next.name() + "' has events, placed by its "
          + stored.get().partitions() + " partitions: the count cannot change");
    }
    Map<String, ViewConfig> before = stored.map(AppConfig::views).orElse(Map.of());
    for (ViewConfig view : next.views().values()) {
      ViewConfig old = before.get(view.name());
      if (old != null) {
        unchanged(old, view);
      } else if (retired.contains(view.name())) {
        throw new InvalidInputException("views." + view.name(), "a view of this name was removed from app '" + next.name()
            + "'; a name is not used again: add the view under a new name instead");
      }
    }
    return running(before.values(), next.views().values());
  }

  /** The views to start and to stop to go from those running to those wanted, by name. */
  public static AppChange running(Collection<ViewConfig> running, Collection<ViewConfig> wanted) {
    Set<String> runningNames = names(running);
    Set<String> wantedNames = names(wanted);
    List<ViewConfig> added = wanted.stream().filter(v -> !runningNames.contains(v.name())).toList();
    List<String> removed = new ArrayList<>(runningNames);
    removed.removeAll(wantedNames);
    return new AppChange(added, removed);
  }

  private static Set<String> names(Collection<ViewConfig> views) {
    return views.stream().map(ViewConfig::name).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static void unchanged(ViewConfig old, ViewConfig view) {
    String where = "views." + view.name();
    String instead = ": a view's projector, mode and options cannot change; add a view under a new name instead (and remove this one)";
    if (!old.projector().equals(view.projector())) {
      throw new InvalidInputException(where + ".projector", "was '" + old.projector() + "'" + instead);
    }
    if (old.sync() != view.sync()) {
      throw new InvalidInputException(where + ".mode", "was " + (old.sync() ? "sync" : "async") + instead);
    }
    if (!old.options().equals(view.options())) {
      throw new InvalidInputException(where + ".options", "were " + old.options().encode() + instead);
    }
  }
}
