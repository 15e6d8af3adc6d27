package dev.writ.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static EventStream of(String text) {
    return new EventStream(new ByteArrayInputStream(text.getBytes(UTF_8)));
  }

  @Test
  void next_readsEventsInOrderSkippingCommentsAndBlankLines() throws Exception {
    EventStream s =
        of("\n: hello\nevent: ping\ndata: {\"checkpoint\":\"x\"}\n\nevent: work\ndata: {}\n\n");

    assertThat(s.next()).contains(new EventStream.Event("ping", "{\"checkpoint\":\"x\"}"));
    assertThat(s.next()).contains(new EventStream.Event("work", "{}"));
    assertThat(s.next()).isEmpty();
  }

  @Test
  void next_malformedStreams_areRefused() {
    for (String bad :
        new String[] {
          "event: work\n\n", // no data
          "data: {}\n\n", // no name
          "event: work\nevent: ping\ndata: {}\n\n",
          "event: work\ndata: {}\ndata: {}\n\n",
          "event: Work\ndata: {}\n\n",
          "retry: 10\n\n",
          "event: work\r\ndata: {}\r\n\r\n",
          "event: work\ndata: {}", // ends inside a line
          "event: work\ndata: {}\n", // ends inside an event
        }) {
      assertThatThrownBy(() -> of(bad).next()).as(bad).isInstanceOf(IOException.class);
    }
  }

  @Test
  void next_aLineOverTheLimit_isRefusedWithoutReadingItAll() {
    String huge = "event: work\ndata: " + "x".repeat(EventStream.MAX_LINE_BYTES) + "\n\n";
    assertThatThrownBy(() -> of(huge).next())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("over");
  }

  @Test
  void next_emptyStream_isACleanEnd() throws Exception {
    assertThat(of("").next()).isEqualTo(Optional.empty());
  }
}
