#!/usr/bin/env python3
# Writes changeset.bin, the sample behind the zstd level table in protocol/README.md;
# measure with: zstd -b1 -e19 -i2 changeset.bin
# Changeset-like sample: SQLite changeset framing (table header, then per-row op byte,
# typed values with varint lengths) over subsidy rows, disclosure items and reviews.
import random, struct, os, hashlib
random.seed(7)
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
giv = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰春梅海燕国强德明红梅永"
items = ["耕地地力保护补贴","实际种粮农民一次性补贴","玉米生产者补贴","稻谷补贴","农机购置补贴","退耕还林补助","生态公益林补偿","草原生态保护补助"]
def varint(n):
    out=bytearray()
    while True:
        b=n&0x7f; n>>=7
        if n: out.append(b|0x80)
        else: out.append(b); return bytes(out)
def text(s):
    b=s.encode(); return b'\x03'+varint(len(b))+b
def integer(n): return b'\x01'+struct.pack('>q',n)
def real(x): return b'\x02'+struct.pack('>d',x)
def name(): return random.choice(sur)+''.join(random.choice(giv) for _ in range(random.choice([1,2])))
out=bytearray()
origin=hashlib.sha256(b'node').hexdigest()[:32]
region="511303101201"
def table(nm, ncol): 
    out.extend(b'T'+varint(ncol)+b'\x01'+b'\x00'*(ncol-1)+nm.encode()+b'\x00')
table("subsidy_row", 14)
hlc=0x019a0000000000
for i in range(20000):
    hlc+=random.randint(0,3)
    area=round(random.uniform(0.5,12),1); std=random.choice([105.5,118.76,96.0,80.0])
    idn="5113%02d%04d%02d%02d****%04d"%(random.randint(1,30),random.randint(1950,2005),random.randint(1,12),random.randint(1,28),random.randint(0,9999))
    out.extend(b'\x12\x00'+text(os.urandom(16).hex())+text(origin)+integer(hlc)+text(region)+text("第%d村民小组"%random.randint(1,9))
      +text(name())+text(idn[:6]+"********"+idn[-4:])+text(random.choice(items))+real(area)+real(std)+real(round(area*std,2))
      +text("6217****"+"%04d"%random.randint(0,9999))+text("2026年第三季度")+text("四川省南充市高坪区"))
table("review", 8)
for i in range(3000):
    out.extend(b'\x12\x00'+text(os.urandom(16).hex())+text(origin)+integer(hlc+i)+text(region)+text(os.urandom(32).hex())
      +text(random.choice(["approve","return"]))+text(random.choice(["同意公开","请补充凭证号","金额合计有误，请核对","",""]))+text(name()))
open("changeset.bin","wb").write(out)
print(len(out))
