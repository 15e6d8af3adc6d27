package dev.writ.log;

import java.util.List;

/**
 * A signed note whose text carries at least one valid signature by a known key. Only {@link
 * SignedNotes#open} makes one, so code that accepts a {@code VerifiedNote} cannot skip
 * verification.
 *
 * <p>Immutable and thread-safe.
 */
public final class VerifiedNote {
  private final String text;
  private final List<NoteVerifierKey> signers;

  VerifiedNote(String text, List<NoteVerifierKey> signers) {
    this.text = text;
    this.signers = List.copyOf(signers);
  }

  /** The signed text, ending in a newline. */
  public String text() {
    return text;
  }

  /** The known keys whose signatures verified, in the order of their lines; never empty. */
  public List<NoteVerifierKey> signers() {
    return signers;
  }
}
