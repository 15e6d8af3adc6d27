package dev.writ.sign;

import dev.writ.core.Envelope;
import dev.writ.core.RootContents;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritPayload;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes and extends signed envelopes. Payloads are checked with the verifier's own parse rules
 * before anything is signed, so a signer never produces a writ a verifier cannot read.
 */
public final class WritSigner {
  private WritSigner() {}

  /** A new writ envelope over {@code payload}, signed by each of {@code signers} in order. */
  public static byte[] signWrit(byte[] payload, List<? extends OperatorSigner> signers)
      throws SigningException {
    try {
      WritPayload.parse(payload);
    } catch (WritDeniedException e) {
      throw new SigningException("refusing to sign: payload " + e.getMessage(), e);
    }
    return sign(Envelope.WRIT_PAYLOAD_TYPE, payload, signers);
  }

  /** A new root envelope over {@code payload}, signed by each of {@code signers}. */
  public static byte[] signRoot(byte[] payload, List<? extends OperatorSigner> signers)
      throws SigningException {
    try {
      RootContents.parse(payload);
    } catch (WritDeniedException e) {
      throw new SigningException("refusing to sign: root " + e.getMessage(), e);
    }
    return sign(Envelope.ROOT_PAYLOAD_TYPE, payload, signers);
  }

  /**
   * Adds {@code signer}'s signature to an existing envelope (an approver's, or the ML-DSA-65 half
   * of a hybrid). Refuses to sign twice with one key.
   */
  public static byte[] addSignature(byte[] envelopeBytes, OperatorSigner signer)
      throws SigningException {
    Envelope env;
    try {
      env = Envelope.parse(envelopeBytes);
    } catch (WritDeniedException e) {
      throw new SigningException("not a writ envelope: " + e.getMessage(), e);
    }
    if (env.signatures().size() >= dev.writ.core.Limits.MAX_SIGNATURES) {
      throw new SigningException(
          "the envelope already holds the maximum of "
              + dev.writ.core.Limits.MAX_SIGNATURES
              + " signatures");
    }
    for (Envelope.Signature s : env.signatures()) {
      if (s.keyId().equals(signer.keyId())) {
        throw new SigningException("key " + signer.keyId().shortForm() + " already signed this");
      }
    }
    byte[] sig = signer.sign(env.pae());
    return env.withSignature(new Envelope.Signature(signer.keyId(), sig)).toCanonicalBytes();
  }

  private static byte[] sign(
      String payloadType, byte[] payload, List<? extends OperatorSigner> signers)
      throws SigningException {
    if (signers.isEmpty()) {
      throw new SigningException("at least one signing key is needed");
    }
    byte[] pae = Envelope.pae(payloadType, payload);
    List<Envelope.Signature> sigs = new ArrayList<>();
    for (OperatorSigner s : signers) {
      sigs.add(new Envelope.Signature(s.keyId(), s.sign(pae)));
    }
    return new Envelope(payloadType, payload, sigs).toCanonicalBytes();
  }
}
