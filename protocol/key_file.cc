#include "protocol/key_file.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "protocol/secret_buffer.h"
#include "protocol/sha256.h"

namespace gongkai {
namespace {

static_assert(kKeyFileBoxSize == crypto_secretbox_MACBYTES + kSeedSize);
static_assert(kKeyFileSaltSize == crypto_pwhash_argon2id_SALTBYTES);
static_assert(kKeyFileNonceSize == crypto_secretbox_NONCEBYTES);
static_assert(kKdfMinOpslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kKdfMinMemlimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kKdfInteractive.opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(kKdfInteractive.memlimit == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(kKdfModerate.opslimit == crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
static_assert(kKdfModerate.memlimit == crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
static_assert(kKeyFileCheckOffset == kKeyFileMagicSize + 2 + 16 + kKeyFileSaltSize +
                                         kKeyFileNonceSize + kPublicKeySize + kKeyFileBoxSize);

struct ParsedKeyFile {
  KdfParams params{};
  ByteView salt;
  ByteView nonce;
  PublicKey public_key{};
  ByteView box;
};

Result<ParsedKeyFile> Parse(ByteView file) {
  if (file.size() < kKeyFileMagicSize + 1) {
    return Status::Invalid(kErrKeyFileSize, "key file of " + std::to_string(file.size()) +
                                                " bytes is too short to be one");
  }
  if (!std::equal(file.begin(), file.begin() + kKeyFileMagicSize, kKeyFileMagic)) {
    return Status::Invalid(kErrKeyFileMagic, "not a gongkai key file (no GKKEY magic)");
  }
  if (file[kKeyFileMagicSize] != kKeyFileVersion) {
    return Status::Invalid(kErrKeyFileVersion, "key file format version " +
                                                   std::to_string(file[kKeyFileMagicSize]) +
                                                   " is not known (this program reads version 1)");
  }
  if (file.size() != kKeyFileSize) {
    return Status::Invalid(kErrKeyFileSize, "key file is " + std::to_string(file.size()) +
                                                " bytes, version 1 has 175");
  }
  if (file[kKeyFileMagicSize + 1] != kKeyFileAlgArgon2idSecretbox) {
    return Status::Invalid(
        kErrKeyFileAlgorithm,
        "key file algorithm " + std::to_string(file[kKeyFileMagicSize + 1]) + " is not known");
  }
  const Hash256 check = Sha256(file.first(kKeyFileCheckOffset));
  if (sodium_memcmp(check.data(), file.data() + kKeyFileCheckOffset, kKeyFileCheckSize) != 0) {
    return Status::Invalid(kErrKeyFileCorrupt, "key file is damaged (its check does not match)");
  }
  ByteReader reader(file.subspan(kKeyFileMagicSize + 2), kErrKeyFileSize);
  ParsedKeyFile parsed;
  GK_ASSIGN_OR_RETURN(parsed.params.opslimit, reader.U64("opslimit"));
  GK_ASSIGN_OR_RETURN(parsed.params.memlimit, reader.U64("memlimit"));
  GK_ASSIGN_OR_RETURN(parsed.salt, reader.Raw(kKeyFileSaltSize, "salt"));
  GK_ASSIGN_OR_RETURN(parsed.nonce, reader.Raw(kKeyFileNonceSize, "nonce"));
  GK_ASSIGN_OR_RETURN(parsed.public_key, reader.Fixed<kPublicKeySize>("public key"));
  GK_ASSIGN_OR_RETURN(parsed.box, reader.Raw(kKeyFileBoxSize, "sealed seed"));
  GK_RETURN_IF_ERROR(CheckKdfParams(parsed.params));
  return parsed;
}

// The secretbox key for `passphrase`. Returns kErrKeyFileKdf when Argon2id cannot run
// (in practice: it cannot get its memory).
Status DeriveKey(std::string_view passphrase, ByteView salt, KdfParams params, SecretBuffer& key) {
  EnsureSodium();
  if (crypto_pwhash(key.data(), crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(),
                    salt.data(), params.opslimit, static_cast<size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable(
        kErrKeyFileKdf,
        "Argon2id could not run with " + std::to_string(params.memlimit >> 20) + " MiB of memory");
  }
  return Status::Ok();
}

}  // namespace

Status CheckKdfParams(KdfParams params) {
  if (params.opslimit < kKdfMinOpslimit || params.opslimit > kKdfMaxOpslimit ||
      params.memlimit < kKdfMinMemlimit || params.memlimit > kKdfMaxMemlimit) {
    return Status::Invalid(kErrKeyFileParams, "Argon2id parameters opslimit " +
                                                  std::to_string(params.opslimit) + ", memlimit " +
                                                  std::to_string(params.memlimit) +
                                                  " are outside 1..16 passes and 8 KiB..1 GiB");
  }
  return Status::Ok();
}

namespace key_file_internal {

Result<Bytes> SealWithSaltAndNonce(const SecretKey& key, std::string_view passphrase,
                                   KdfParams params, const KeyFileSalt& salt,
                                   const KeyFileNonce& nonce) {
  GK_RETURN_IF_ERROR(CheckKdfParams(params));
  SecretBuffer box_key(crypto_secretbox_KEYBYTES);
  GK_RETURN_IF_ERROR(DeriveKey(passphrase, salt, params, box_key));
  std::array<uint8_t, kKeyFileBoxSize> box{};
  crypto_secretbox_easy(box.data(), key.seed().data(), kSeedSize, nonce.data(), box_key.data());

  ByteWriter w;
  w.Raw(std::string_view(kKeyFileMagic, kKeyFileMagicSize));
  w.U8(kKeyFileVersion);
  w.U8(kKeyFileAlgArgon2idSecretbox);
  w.U64(params.opslimit);
  w.U64(params.memlimit);
  w.Raw(salt);
  w.Raw(nonce);
  w.Raw(key.public_key());
  w.Raw(box);
  w.Raw(Sha256(ByteView(w.bytes())));
  return w.Take();
}

}  // namespace key_file_internal

Result<Bytes> SealSecretKey(const SecretKey& key, std::string_view passphrase, KdfParams params) {
  EnsureSodium();
  KeyFileSalt salt;
  KeyFileNonce nonce;
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  return key_file_internal::SealWithSaltAndNonce(key, passphrase, params, salt, nonce);
}

Result<SecretKey> OpenSecretKey(ByteView file, std::string_view passphrase) {
  GK_ASSIGN_OR_RETURN(const ParsedKeyFile parsed, Parse(file));
  SecretBuffer box_key(crypto_secretbox_KEYBYTES);
  GK_RETURN_IF_ERROR(DeriveKey(passphrase, parsed.salt, parsed.params, box_key));
  SecretBuffer seed(kSeedSize);
  if (crypto_secretbox_open_easy(seed.data(), parsed.box.data(), parsed.box.size(),
                                 parsed.nonce.data(), box_key.data()) != 0) {
    return Status::Denied(kErrKeyFileWrongPassphrase, "the passphrase does not open this key file");
  }
  GK_ASSIGN_OR_RETURN(SecretKey key, SecretKey::FromSeed(seed.view()));
  if (key.public_key() != parsed.public_key) {
    return Status::Invalid(kErrKeyFileCorrupt,
                           "key file's public key does not belong to its secret key");
  }
  return key;
}

Result<PublicKey> KeyFilePublicKey(ByteView file) {
  GK_ASSIGN_OR_RETURN(const ParsedKeyFile parsed, Parse(file));
  return parsed.public_key;
}

bool KeyFileNeedsRehash(ByteView file, KdfParams wanted) {
  Result<ParsedKeyFile> parsed = Parse(file);
  if (!parsed.ok()) return true;
  return parsed->params.opslimit < wanted.opslimit || parsed->params.memlimit < wanted.memlimit;
}

}  // namespace gongkai
