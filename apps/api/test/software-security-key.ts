import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();
const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL = 0x40;

/**
 * A security key in software, for specs: an ES256 key pair answering WebAuthn's create and get
 * the way a browser and a USB key would (attestation "none", a signature counter), so the api is
 * tested against the W3C formats and not against itself. `origin` is the page the browser would
 * be on; `counter` can be set back to play a cloned key. A passkey (`unlocks`) keeps the account's
 * user handle and says it checked its owner (a fingerprint or PIN) when asked to.
 */
export class SoftwareSecurityKey {
  readonly credentialId = randomBytes(32);
  counter = 0;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  /** The account the key was made for (base64url), as a passkey keeps it. */
  private userHandle: string | undefined;

  constructor(
    public origin: string,
    private readonly unlocks = false,
  ) {
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
    }));
  }

  /** `navigator.credentials.create(options)`, as `PublicKeyCredential.toJSON()` gives it. */
  create(options: { challenge: string; rp: { id: string }; user: { id: string } }) {
    this.userHandle = options.user.id;
    const jwk = this.publicKey.export({ format: 'jwk' });
    const coseKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      this.authenticatorData(options.rp.id, FLAG_USER_PRESENT | FLAG_ATTESTED_CREDENTIAL),
      Buffer.alloc(16), // AAGUID: none given
      idLength,
      this.credentialId,
      coseKey,
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform' as const,
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      },
    };
  }

  /** `navigator.credentials.get(options)`: signs the challenge for the RP it names. */
  get(options: { challenge: string; rpId: string; userVerification?: string }) {
    this.counter += 1;
    const verified = this.unlocks && options.userVerification !== 'discouraged';
    const authData = this.authenticatorData(
      options.rpId,
      FLAG_USER_PRESENT | (verified ? FLAG_USER_VERIFIED : 0),
    );
    const clientData = this.clientData('webauthn.get', options.challenge);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientData)]),
      this.privateKey,
    );
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(this.unlocks && { userHandle: this.userHandle }),
      },
    };
  }

  private authenticatorData(rpId: string, flags: number) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counter]);
  }

  private clientData(type: string, challenge: string) {
    return Buffer.from(
      JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }),
    );
  }
}
