package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE (TPM 2.0 Part 2 §10.12.12, §10.12.4): the
 * qualifying data, the PCRs selected in the order the TPM digested them, and that digest.
 * Immutable.
 *
 * @param extraData the qualifying data the caller passed to TPM2_Quote
 * @param selected the selected PCRs: banks in the quote's order, indices ascending within a bank
 * @param pcrDigest the digest of the selected PCR values, made with the signing scheme's hash
 */
@SuppressWarnings("ArrayRecordComponent") // cloned in and out
record TpmQuoteInfo(byte[] extraData, List<PcrId> selected, byte[] pcrDigest) {
  static final long TPM_GENERATED_VALUE = 0xff544347L;
  static final int TPM_ST_ATTEST_QUOTE = 0x8018;

  TpmQuoteInfo {
    extraData = extraData.clone();
    selected = List.copyOf(selected);
    pcrDigest = pcrDigest.clone();
  }

  @Override
  public byte[] extraData() {
    return extraData.clone();
  }

  @Override
  public byte[] pcrDigest() {
    return pcrDigest.clone();
  }

  static TpmQuoteInfo parse(byte[] bytes) throws AttestationException {
    if (bytes.length > TpmLimits.MAX_ATTEST_BYTES) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "TPMS_ATTEST has " + bytes.length + " bytes, more than " + TpmLimits.MAX_ATTEST_BYTES);
    }
    TpmReader r = new TpmReader(bytes, "TPMS_ATTEST");
    if (r.u32() != TPM_GENERATED_VALUE) {
      throw r.malformed("magic is not TPM_GENERATED_VALUE 0xff544347");
    }
    int type = r.u16();
    if (type != TPM_ST_ATTEST_QUOTE) {
      throw r.malformed("type 0x" + Integer.toHexString(type) + " is not TPM_ST_ATTEST_QUOTE");
    }
    r.sized(TpmLimits.MAX_NAME, "qualifiedSigner");
    byte[] extraData = r.sized(TpmLimits.MAX_DATA, "extraData");
    r.u64(); // clockInfo.clock
    r.u32(); // clockInfo.resetCount
    r.u32(); // clockInfo.restartCount
    if (r.u8() > 1) {
      throw r.malformed("clockInfo.safe is not a TPMI_YES_NO");
    }
    r.u64(); // firmwareVersion
    List<PcrId> selected = selection(r);
    byte[] pcrDigest = r.sized(TpmLimits.MAX_DIGEST, "pcrDigest");
    r.end();
    return new TpmQuoteInfo(extraData, selected, pcrDigest);
  }

  /** TPML_PCR_SELECTION: count, then per bank a hash, sizeofSelect and the bitmap. */
  private static List<PcrId> selection(TpmReader r) throws AttestationException {
    long count = r.u32();
    if (count > TpmLimits.MAX_PCR_BANKS) {
      throw r.malformed("a PCR selection of " + count + " banks");
    }
    List<PcrId> out = new ArrayList<>();
    Set<TpmHash> seen = EnumSet.noneOf(TpmHash.class);
    for (long i = 0; i < count; i++) {
      TpmHash bank = TpmPublic.hash(r, "PCR bank");
      if (!seen.add(bank)) {
        throw r.malformed("PCR bank " + bank.bankName() + " is selected twice");
      }
      int sizeofSelect = r.u8();
      if (sizeofSelect > TpmLimits.MAX_PCR_SELECT) {
        throw r.malformed("sizeofSelect " + sizeofSelect + " is above " + TpmLimits.MAX_PCR_SELECT);
      }
      byte[] bitmap = r.bytes(sizeofSelect);
      for (int index = 0; index < 8 * sizeofSelect; index++) {
        if ((bitmap[index / 8] & (1 << (index % 8))) != 0) {
          out.add(new PcrId(bank, index));
        }
      }
    }
    return out;
  }
}
