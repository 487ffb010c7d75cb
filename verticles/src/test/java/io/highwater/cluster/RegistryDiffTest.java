package io.highwater.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryDiffTest {

  private static final String ME = "node-a";
  private final RegistrationInfo cp = new RegistrationInfo(ME, 1, false);
  private final RegistrationInfo coordinator = new RegistrationInfo(ME, 2, false);
  private final RegistrationInfo other = new RegistrationInfo("node-b", 1, false);

  @Test
  void aRegistryHoldingEveryOwnRegistrationNeedsNothing() {
    RegistryDiff diff = RegistryDiff.between(Map.of("cp.0", Set.of(cp)),
        List.of(Map.entry("cp.0", cp), Map.entry("cp.0", other), Map.entry("cp.1", other)), ME);
    assertThat(diff.isEmpty()).isTrue();
  }

  @Test
  void ownRegistrationsTheRegistryLostAreMissing() {
    RegistryDiff diff = RegistryDiff.between(Map.of("cp.0", Set.of(cp), "coord.0", Set.of(coordinator)),
        List.of(Map.entry("cp.0", other)), ME);
    assertThat(diff.missing()).isEqualTo(Map.of("cp.0", Set.of(cp), "coord.0", Set.of(coordinator)));
    assertThat(diff.extra()).isEmpty();
    assertThat(diff.missingCount()).isEqualTo(2);
  }

  @Test
  void entriesUnderThisNodesIdThatNoConsumerHoldsAreExtraOthersNodesAreLeftAlone() {
    RegistrationInfo ended = new RegistrationInfo(ME, 7, false);
    RegistryDiff diff = RegistryDiff.between(Map.of("cp.0", Set.of(cp)),
        List.of(Map.entry("cp.0", cp), Map.entry("cp.0", ended), Map.entry("cp.3", ended), Map.entry("cp.3", other)), ME);
    assertThat(diff.missing()).isEmpty();
    assertThat(diff.extra()).isEqualTo(Map.of("cp.0", Set.of(ended), "cp.3", Set.of(ended)));
    assertThat(diff.extraCount()).isEqualTo(2);
  }

  @Test
  void aRegistrationUnderAnotherAddressIsNotTheSame() {
    RegistryDiff diff = RegistryDiff.between(Map.of("cp.0", Set.of(cp)), List.of(Map.entry("cp.1", cp)), ME);
    assertThat(diff.missing()).isEqualTo(Map.of("cp.0", Set.of(cp)));
    assertThat(diff.extra()).isEqualTo(Map.of("cp.1", Set.of(cp)));
  }

  @Test
  void onlyWhatTwoLooksBothFoundIsConfirmed() {
    RegistrationInfo ended = new RegistrationInfo(ME, 7, false);
    RegistryDiff first = RegistryDiff.between(Map.of("cp.0", Set.of(cp), "coord.0", Set.of(coordinator)),
        List.of(Map.entry("cp.9", ended), Map.entry("cp.8", ended)), ME);
    // Meanwhile coord.0's registration reached the registry and cp.8's removal went through.
    RegistryDiff later = RegistryDiff.between(Map.of("cp.0", Set.of(cp), "coord.0", Set.of(coordinator)),
        List.of(Map.entry("cp.9", ended), Map.entry("coord.0", coordinator)), ME);
    RegistryDiff confirmed = first.confirmedBy(later);
    assertThat(confirmed.missing()).isEqualTo(Map.of("cp.0", Set.of(cp)));
    assertThat(confirmed.extra()).isEqualTo(Map.of("cp.9", Set.of(ended)));
    assertThat(first.confirmedBy(RegistryDiff.between(Map.of(), List.of(), ME)).isEmpty()).isTrue();
  }
}
