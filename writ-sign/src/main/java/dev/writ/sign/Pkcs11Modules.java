package dev.writ.sign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.StaticLogger;

/**
 * One ipkcs11wrapper connection per PKCS#11 library per process.
 *
 * <p>This is process-wide state on purpose: it mirrors state that already is process-wide. A
 * PKCS#11 library is initialized once per process ({@code C_Initialize}), and SunPKCS11 shares the
 * same loaded library, keeps its own per-library cache and never calls {@code C_Finalize}. So the
 * wrapper connects once, initializes once (accepting {@code CKR_CRYPTOKI_ALREADY_INITIALIZED} when
 * SunPKCS11 got there first) and never finalizes: finalizing would pull the library out from under
 * SunPKCS11.
 *
 * <p>Thread-safe.
 */
final class Pkcs11Modules {
  private static final Map<Path, PKCS11Module> MODULES = new HashMap<>();

  static {
    // The wrapper prints INFO lines to stdout unless given a logger; the CLI's stdout is data.
    StaticLogger.setLogger(new Pkcs11Log());
  }

  private Pkcs11Modules() {}

  /** The initialized wrapper module for the library at {@code module}. */
  static PKCS11Module load(Path module) throws SigningException {
    Path real = realLibrary(module);
    synchronized (MODULES) {
      PKCS11Module loaded = MODULES.get(real);
      if (loaded == null) {
        loaded = connect(real);
        MODULES.put(real, loaded);
      }
      return loaded;
    }
  }

  /** The library's real path; the same library must have one key in both caches. */
  static Path realLibrary(Path module) throws SigningException {
    if (!Files.isRegularFile(module)) {
      throw new SigningException(
          "PKCS#11 module "
              + module
              + " not found (for SoftHSM2 install Debian's softhsm2 package; the library is "
              + Pkcs11Keystore.defaultModule()
              + ")");
    }
    try {
      return module.toRealPath();
    } catch (IOException e) {
      throw new SigningException("cannot resolve PKCS#11 module " + module, e);
    }
  }

  private static PKCS11Module connect(Path library) throws SigningException {
    PKCS11Module module;
    try {
      module = PKCS11Module.getInstance(library.toString());
    } catch (IOException e) {
      throw new SigningException("cannot load PKCS#11 module " + library, e);
    } catch (UnsatisfiedLinkError e) {
      // the wrapper's JNI part or the module itself could not be linked on this platform
      throw new SigningException("cannot link PKCS#11 module " + library, e);
    }
    try {
      module.initialize();
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        throw Pkcs11Errors.translate("cannot initialize PKCS#11 module " + library, e);
      }
    }
    return module;
  }
}
