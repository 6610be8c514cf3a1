#!/usr/bin/env python3
# Prints the fixed vector of key_file_test.cc, built without libsodium: Argon2id from
# Python's `cryptography`, XSalsa20-Poly1305 written from the Salsa20/XSalsa20 specifications.
import struct, hashlib
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.poly1305 import Poly1305
M=0xffffffff
def rotl(x,n): return ((x<<n)|(x>>(32-n)))&M
def core(x):
    x=list(x)
    def qr(a,b,c,d):
        x[b]^=rotl((x[a]+x[d])&M,7); x[c]^=rotl((x[b]+x[a])&M,9)
        x[d]^=rotl((x[c]+x[b])&M,13); x[a]^=rotl((x[d]+x[c])&M,18)
    for _ in range(10):
        qr(0,4,8,12);qr(5,9,13,1);qr(10,14,2,6);qr(15,3,7,11)
        qr(0,1,2,3);qr(5,6,7,4);qr(10,11,8,9);qr(15,12,13,14)
    return x
C=struct.unpack('<4I',b'expand 32-byte k')
def state(k,n16):
    k=struct.unpack('<8I',k); n=struct.unpack('<4I',n16)
    return [C[0],k[0],k[1],k[2],k[3],C[1],n[0],n[1],n[2],n[3],C[2],k[4],k[5],k[6],k[7],C[3]]
def hsalsa(k,n16):
    x=core(state(k,n16)); return struct.pack('<8I',*[x[i] for i in (0,5,10,15,6,7,8,9)])
def salsa_stream(k,n8,length):
    out=b''; ctr=0
    while len(out)<length:
        s=state(k,n8+struct.pack('<Q',ctr)); x=core(s)
        out+=struct.pack('<16I',*[(a+b)&M for a,b in zip(x,s)]); ctr+=1
    return out[:length]
def secretbox(msg,nonce,key):
    sub=hsalsa(key,nonce[:16]); ks=salsa_stream(sub,nonce[16:],32+len(msg))
    ct=bytes(a^b for a,b in zip(msg,ks[32:]))
    return Poly1305.generate_tag(ks[:32],ct)+ct
seed=bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
pk=bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
salt=bytes(range(16)); nonce=bytes(range(0x80,0x98))
key=Argon2id(salt=salt,length=32,iterations=1,lanes=1,memory_cost=8).derive("村务公开 2026".encode())
body=b"GKKEY"+bytes([1,1])+struct.pack('>QQ',1,8192)+salt+nonce+pk+secretbox(seed,nonce,key)
print((body+hashlib.sha256(body).digest()).hex())
