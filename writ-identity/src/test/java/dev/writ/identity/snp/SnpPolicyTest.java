package dev.writ.identity.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnpPolicyTest {
  @Test
  void strict_refusesDebugAndAdmitsAnyMeasurement() {
    SnpPolicy p = SnpPolicy.strict(List.of(), SnpTcb.zero());

    assertThat(p.allowDebug()).isFalse();
    assertThat(p.allowedMeasurements()).isEmpty();
    assertThat(p.withDebugAllowed().allowDebug()).isTrue();
  }

  @Test
  void new_measurementNotLowercaseHexOf48Bytes_rejected() {
    SnpPolicy p = SnpPolicy.strict(List.of(), SnpTcb.zero());

    for (String bad : List.of("ab", "AB".repeat(48), "zz".repeat(48), "ab".repeat(49))) {
      assertThatThrownBy(() -> p.withAllowedMeasurements(Set.of(bad)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void tcbOf_placesComponentsInTheirBytes() {
    SnpTcb tcb = SnpTcb.of(2, 1, 5, 68);

    assertThat(tcb.raw()).isEqualTo(0x4405_0000_0000_0102L);
    assertThat(tcb.bootloader()).isEqualTo(2);
    assertThat(tcb.tee()).isEqualTo(1);
    assertThat(tcb.snp()).isEqualTo(5);
    assertThat(tcb.microcode()).isEqualTo(68);
    assertThat(SnpTcb.of(0, 0, 0, 255).microcode()).isEqualTo(255);
  }

  @Test
  void tcbOf_levelOutOfRange_rejected() {
    assertThatThrownBy(() -> SnpTcb.of(256, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SnpTcb.of(0, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
