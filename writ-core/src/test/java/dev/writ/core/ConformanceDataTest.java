package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceDataTest {

  @Test
  void locate_existingFolder_returnsIt(@TempDir Path vectors) throws Exception {
    Files.createDirectory(vectors.resolve("jcs"));
    assertThat(ConformanceData.locate(vectors.toString(), Map.of("CI", "true"), "jcs"))
        .contains(vectors.resolve("jcs"));
  }

  @Test
  void locate_propertyUnsetOutsideCi_returnsEmpty() {
    assertThat(ConformanceData.locate(null, Map.of(), "jcs")).isEmpty();
    assertThat(ConformanceData.locate("", Map.of("CI", "false"), "jcs")).isEmpty();
  }

  @Test
  void locate_folderMissingOutsideCi_returnsEmpty(@TempDir Path vectors) {
    assertThat(ConformanceData.locate(vectors.toString(), Map.of(), "absent")).isEmpty();
  }

  @Test
  void locate_propertyUnsetInCi_fails() {
    assertThatThrownBy(() -> ConformanceData.locate(null, Map.of("CI", "true"), "jcs"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("CI=true");
  }

  @Test
  void locate_folderMissingInCi_fails(@TempDir Path vectors) {
    assertThatThrownBy(
            () -> ConformanceData.locate(vectors.toString(), Map.of("CI", "true"), "absent"))
        .isInstanceOf(AssertionError.class);
  }
}
