package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PCR listing tpm2_pcrread and tpm2_quote print (YAML: a bank line such as {@code
 * sha256:}, then one {@code index: 0xHEX} line per PCR). Stateless.
 */
final class PcrListing {
  private static final Pattern BANK = Pattern.compile("^\\s+(sha1|sha256|sha384|sha512):\\s*$");
  private static final Pattern VALUE = Pattern.compile("^\\s+(\\d{1,2})\\s*:\\s*0x([0-9A-Fa-f]+)$");

  private PcrListing() {}

  /**
   * The values listed after the line {@code section} (or from the start if it is empty), up to the
   * next line that is not indented.
   */
  static PcrValues parse(String tool, String stdout, String section) throws TpmToolException {
    boolean inSection = section.isEmpty();
    TpmHash bank = null;
    Map<PcrId, byte[]> values = new LinkedHashMap<>();
    for (String line : stdout.lines().toList()) {
      if (!inSection) {
        inSection = line.strip().equals(section);
        continue;
      }
      if (!section.isEmpty() && !line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
        break;
      }
      Matcher b = BANK.matcher(line);
      Matcher v = VALUE.matcher(line.stripTrailing());
      if (b.matches()) {
        bank = TpmHash.fromBankName(b.group(1)).orElseThrow();
      } else if (v.matches() && bank != null) {
        int index = Integer.parseInt(v.group(1));
        if (index > PcrId.MAX_INDEX || v.group(2).length() != 2 * bank.size()) {
          throw new TpmToolException(tool + " listed an unusable PCR line: " + line.strip());
        }
        values.put(new PcrId(bank, index), HexFormat.of().parseHex(v.group(2)));
      }
    }
    try {
      return PcrValues.of(values);
    } catch (AttestationException e) {
      throw new TpmToolException(tool + " listed unusable PCR values: " + e.getMessage(), e);
    }
  }
}
