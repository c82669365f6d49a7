/** Public keys of ServiceAccount signers, fixed so that snapshots and key IDs are stable. */
export const RSA_2048_PUBLIC_KEY =
  '-----BEGIN PUBLIC KEY-----\n' +
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzW9hsdrflsqNI/O3ilkt\n' +
  'CKiFudapV0j+yZUBE6hgPYH/YN6dCGCHixMOp3Tvx8Us0potzq8oua/HNc402hGX\n' +
  'TpnbqkwV4nyDNcrFDcdvfAzi8ySjp58ipruT+FA9GqvTjWAsAQ5FNT0A5+nwdhD9\n' +
  'KdPQYbEY6YoRtfMTAxLUEKlmikrVDjryHQ/NV2KrTSKU/ABn6Amqzqx6OiB7NFIs\n' +
  'c+3eVSAaOrkz72dMciWqTFv9hLiJbFsX74H2oIl6eBiS5vU2dgcLWvA1OBfiwA7S\n' +
  'yRW1h72Ebca5eRJN+flgLWrzNKvG/CBRnh0b4Cp8ByxPBB0yAj+XjITurVOl8+SA\n' +
  'JwIDAQAB\n' +
  '-----END PUBLIC KEY-----\n';

export const RSA_3072_PUBLIC_KEY =
  '-----BEGIN PUBLIC KEY-----\n' +
  'MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEAocQdwBPKRYXW54LMo5rI\n' +
  'Biuol8mwAK/LKowzPf5+b74ZpCx/xV61h5zbMiPAl7aCa5/hyRQVZ36ttk2pumgQ\n' +
  '5C1+yymySndHfystVVvd4rEPp6K49tAEbEMBC5HfJWfFZpKPCtNsBLjm+KMC6dV6\n' +
  'OaXtmc0tjSmOYwV/YudhTETOSUrx8j4EPRb3f01j8IJOme9v0GP2xQlNcwZcbBAN\n' +
  'Xi2WT9W1V7qHZExqBlNSSHXE+ro9sgfXs4/Js0lKPQT9Cpd4+PTjcdMZZLXhPKyB\n' +
  'vrhAPT2QIjkUQxptHDI1w39dpGYE16AR2LnsB041Tn+FDTZiDsaYGoFApCRQolFb\n' +
  '8PZCHOGkiGNK1kOdMvdg5zZbcxthP5ZjwGPIiWNPPCIrk9l+CwgK2gQgSYTkXvmB\n' +
  'n1oRPSuHiT2MdISg8D2T2kdtRfekgzh3n37lbfCMypdDE5j85s4iQ/r/m2zgfnvi\n' +
  'qUKo2+AbRfd3bo58MhUGXEd0UrSH39o7UhZARGT4G7JbAgMBAAE=\n' +
  '-----END PUBLIC KEY-----\n';

export const EC_P256_PUBLIC_KEY =
  '-----BEGIN PUBLIC KEY-----\n' +
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/iCHVDT6URGRcSYj5g60NAGwQ+fb\n' +
  'fyr6vVxYk7G6W2hZpMHfo+0ARkDmmQdyYF1lSeHkZVdBUrerZ4/ey1PE5A==\n' +
  '-----END PUBLIC KEY-----\n';

export const EC_P384_PUBLIC_KEY =
  '-----BEGIN PUBLIC KEY-----\n' +
  'MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEvJV3A1HWUEf66KgFFCCwpBUd8Qkgr/yg\n' +
  'CEdA5I+VFWhMh7D3dhwEsZUtsAQUkzugkZK2kizhghhVLR9EPn9fyb6BJX2wyDOK\n' +
  'LNhTOyWu40Frwmp3dcagFEkkFR/FOh4Y\n' +
  '-----END PUBLIC KEY-----\n';
