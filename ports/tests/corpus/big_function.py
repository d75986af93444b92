# A long function: more than 16 locals, hundreds of names and constants, and loop bodies
# long enough that jumps need their long encodings.
def crunch(seed):
    v0 = (seed * 3 + 0) % 97
    v1 = (seed * 4 + 7) % 98
    v2 = (seed * 5 + 14) % 99
    v3 = (seed * 6 + 21) % 100
    v4 = (seed * 7 + 28) % 101
    v5 = (seed * 8 + 35) % 102
    v6 = (seed * 9 + 42) % 103
    v7 = (seed * 10 + 49) % 104
    v8 = (seed * 11 + 56) % 105
    v9 = (seed * 12 + 63) % 106
    v10 = (seed * 13 + 70) % 107
    v11 = (seed * 14 + 77) % 108
    v12 = (seed * 15 + 84) % 109
    v13 = (seed * 16 + 91) % 110
    v14 = (seed * 17 + 98) % 111
    v15 = (seed * 18 + 105) % 112
    v16 = (seed * 19 + 112) % 113
    v17 = (seed * 20 + 119) % 114
    v18 = (seed * 21 + 126) % 115
    v19 = (seed * 22 + 133) % 116
    v20 = (seed * 23 + 140) % 117
    v21 = (seed * 24 + 147) % 118
    v22 = (seed * 25 + 154) % 119
    v23 = (seed * 26 + 161) % 120
    v24 = (seed * 27 + 168) % 121
    v25 = (seed * 28 + 175) % 122
    v26 = (seed * 29 + 182) % 123
    v27 = (seed * 30 + 189) % 124
    v28 = (seed * 31 + 196) % 125
    v29 = (seed * 32 + 203) % 126
    v30 = (seed * 33 + 210) % 127
    v31 = (seed * 34 + 217) % 128
    v32 = (seed * 35 + 224) % 129
    v33 = (seed * 36 + 231) % 130
    v34 = (seed * 37 + 238) % 131
    v35 = (seed * 38 + 245) % 132
    v36 = (seed * 39 + 252) % 133
    v37 = (seed * 40 + 259) % 134
    v38 = (seed * 41 + 266) % 135
    v39 = (seed * 42 + 273) % 136
    total = 0
    for step in range(3):
        if v0 % 3 == step:
            total += v0 * 1 - step
        else:
            total -= 0 + len('name_0_' * step)
        if v1 % 3 == step:
            total += v1 * 2 - step
        else:
            total -= 1 + len('name_1_' * step)
        if v2 % 3 == step:
            total += v2 * 3 - step
        else:
            total -= 2 + len('name_2_' * step)
        if v3 % 3 == step:
            total += v3 * 4 - step
        else:
            total -= 3 + len('name_3_' * step)
        if v4 % 3 == step:
            total += v4 * 5 - step
        else:
            total -= 4 + len('name_4_' * step)
        if v5 % 3 == step:
            total += v5 * 6 - step
        else:
            total -= 5 + len('name_5_' * step)
        if v6 % 3 == step:
            total += v6 * 7 - step
        else:
            total -= 6 + len('name_6_' * step)
        if v7 % 3 == step:
            total += v7 * 8 - step
        else:
            total -= 7 + len('name_7_' * step)
        if v8 % 3 == step:
            total += v8 * 9 - step
        else:
            total -= 8 + len('name_8_' * step)
        if v9 % 3 == step:
            total += v9 * 10 - step
        else:
            total -= 9 + len('name_9_' * step)
        if v10 % 3 == step:
            total += v10 * 11 - step
        else:
            total -= 10 + len('name_10_' * step)
        if v11 % 3 == step:
            total += v11 * 12 - step
        else:
            total -= 11 + len('name_11_' * step)
        if v12 % 3 == step:
            total += v12 * 13 - step
        else:
            total -= 12 + len('name_12_' * step)
        if v13 % 3 == step:
            total += v13 * 14 - step
        else:
            total -= 13 + len('name_13_' * step)
        if v14 % 3 == step:
            total += v14 * 15 - step
        else:
            total -= 14 + len('name_14_' * step)
        if v15 % 3 == step:
            total += v15 * 16 - step
        else:
            total -= 15 + len('name_15_' * step)
        if v16 % 3 == step:
            total += v16 * 17 - step
        else:
            total -= 16 + len('name_16_' * step)
        if v17 % 3 == step:
            total += v17 * 18 - step
        else:
            total -= 17 + len('name_17_' * step)
        if v18 % 3 == step:
            total += v18 * 19 - step
        else:
            total -= 18 + len('name_18_' * step)
        if v19 % 3 == step:
            total += v19 * 20 - step
        else:
            total -= 19 + len('name_19_' * step)
        if v20 % 3 == step:
            total += v20 * 21 - step
        else:
            total -= 20 + len('name_20_' * step)
        if v21 % 3 == step:
            total += v21 * 22 - step
        else:
            total -= 21 + len('name_21_' * step)
        if v22 % 3 == step:
            total += v22 * 23 - step
        else:
            total -= 22 + len('name_22_' * step)
        if v23 % 3 == step:
            total += v23 * 24 - step
        else:
            total -= 23 + len('name_23_' * step)
        if v24 % 3 == step:
            total += v24 * 25 - step
        else:
            total -= 24 + len('name_24_' * step)
        if v25 % 3 == step:
            total += v25 * 26 - step
        else:
            total -= 25 + len('name_25_' * step)
        if v26 % 3 == step:
            total += v26 * 27 - step
        else:
            total -= 26 + len('name_26_' * step)
        if v27 % 3 == step:
            total += v27 * 28 - step
        else:
            total -= 27 + len('name_27_' * step)
        if v28 % 3 == step:
            total += v28 * 29 - step
        else:
            total -= 28 + len('name_28_' * step)
        if v29 % 3 == step:
            total += v29 * 30 - step
        else:
            total -= 29 + len('name_29_' * step)
        if v30 % 3 == step:
            total += v30 * 31 - step
        else:
            total -= 30 + len('name_30_' * step)
        if v31 % 3 == step:
            total += v31 * 32 - step
        else:
            total -= 31 + len('name_31_' * step)
        if v32 % 3 == step:
            total += v32 * 33 - step
        else:
            total -= 32 + len('name_32_' * step)
        if v33 % 3 == step:
            total += v33 * 34 - step
        else:
            total -= 33 + len('name_33_' * step)
        if v34 % 3 == step:
            total += v34 * 35 - step
        else:
            total -= 34 + len('name_34_' * step)
        if v35 % 3 == step:
            total += v35 * 36 - step
        else:
            total -= 35 + len('name_35_' * step)
        if v36 % 3 == step:
            total += v36 * 37 - step
        else:
            total -= 36 + len('name_36_' * step)
        if v37 % 3 == step:
            total += v37 * 38 - step
        else:
            total -= 37 + len('name_37_' * step)
        if v38 % 3 == step:
            total += v38 * 39 - step
        else:
            total -= 38 + len('name_38_' * step)
        if v39 % 3 == step:
            total += v39 * 40 - step
        else:
            total -= 39 + len('name_39_' * step)
    return total, v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11 + v12 + v13 + v14 + v15 + v16 + v17 + v18 + v19 + v20 + v21 + v22 + v23 + v24 + v25 + v26 + v27 + v28 + v29 + v30 + v31 + v32 + v33 + v34 + v35 + v36 + v37 + v38 + v39


names = {
    'key_000': 0.0,
    'key_001': -487,
    'key_002': -474,
    'key_003': -461,
    'key_004': -448,
    'key_005': -435,
    'key_006': -422,
    'key_007': 10.5,
    'key_008': -396,
    'key_009': -383,
    'key_010': -370,
    'key_011': -357,
    'key_012': -344,
    'key_013': -331,
    'key_014': 21.0,
    'key_015': -305,
    'key_016': -292,
    'key_017': -279,
    'key_018': -266,
    'key_019': -253,
    'key_020': -240,
    'key_021': 31.5,
    'key_022': -214,
    'key_023': -201,
    'key_024': -188,
    'key_025': -175,
    'key_026': -162,
    'key_027': -149,
    'key_028': 42.0,
    'key_029': -123,
    'key_030': -110,
    'key_031': -97,
    'key_032': -84,
    'key_033': -71,
    'key_034': -58,
    'key_035': 52.5,
    'key_036': -32,
    'key_037': -19,
    'key_038': -6,
    'key_039': 7,
    'key_040': 20,
    'key_041': 33,
    'key_042': 63.0,
    'key_043': 59,
    'key_044': 72,
    'key_045': 85,
    'key_046': 98,
    'key_047': 111,
    'key_048': 124,
    'key_049': 73.5,
    'key_050': 150,
    'key_051': 163,
    'key_052': 176,
    'key_053': 189,
    'key_054': 202,
    'key_055': 215,
    'key_056': 84.0,
    'key_057': 241,
    'key_058': 254,
    'key_059': 267,
    'key_060': 280,
    'key_061': 293,
    'key_062': 306,
    'key_063': 94.5,
    'key_064': 332,
    'key_065': 345,
    'key_066': 358,
    'key_067': 371,
    'key_068': 384,
    'key_069': 397,
    'key_070': 105.0,
    'key_071': 423,
    'key_072': 436,
    'key_073': 449,
    'key_074': 462,
    'key_075': 475,
    'key_076': 488,
    'key_077': 115.5,
    'key_078': 514,
    'key_079': 527,
    'key_080': 540,
    'key_081': 553,
    'key_082': 566,
    'key_083': 579,
    'key_084': 126.0,
    'key_085': 605,
    'key_086': 618,
    'key_087': 631,
    'key_088': 644,
    'key_089': 657,
    'key_090': 670,
    'key_091': 136.5,
    'key_092': 696,
    'key_093': 709,
    'key_094': 722,
    'key_095': 735,
    'key_096': 748,
    'key_097': 761,
    'key_098': 147.0,
    'key_099': 787,
    'key_100': 800,
    'key_101': 813,
    'key_102': 826,
    'key_103': 839,
    'key_104': 852,
    'key_105': 157.5,
    'key_106': 878,
    'key_107': 891,
    'key_108': 904,
    'key_109': 917,
    'key_110': 930,
    'key_111': 943,
    'key_112': 168.0,
    'key_113': 969,
    'key_114': 982,
    'key_115': 995,
    'key_116': 1008,
    'key_117': 1021,
    'key_118': 1034,
    'key_119': 178.5,
    'key_120': 1060,
    'key_121': 1073,
    'key_122': 1086,
    'key_123': 1099,
    'key_124': 1112,
    'key_125': 1125,
    'key_126': 189.0,
    'key_127': 1151,
    'key_128': 1164,
    'key_129': 1177,
    'key_130': 1190,
    'key_131': 1203,
    'key_132': 1216,
    'key_133': 199.5,
    'key_134': 1242,
    'key_135': 1255,
    'key_136': 1268,
    'key_137': 1281,
    'key_138': 1294,
    'key_139': 1307,
    'key_140': 210.0,
    'key_141': 1333,
    'key_142': 1346,
    'key_143': 1359,
    'key_144': 1372,
    'key_145': 1385,
    'key_146': 1398,
    'key_147': 220.5,
    'key_148': 1424,
    'key_149': 1437,
    'key_150': 1450,
    'key_151': 1463,
    'key_152': 1476,
    'key_153': 1489,
    'key_154': 231.0,
    'key_155': 1515,
    'key_156': 1528,
    'key_157': 1541,
    'key_158': 1554,
    'key_159': 1567,
    'key_160': 1580,
    'key_161': 241.5,
    'key_162': 1606,
    'key_163': 1619,
    'key_164': 1632,
    'key_165': 1645,
    'key_166': 1658,
    'key_167': 1671,
    'key_168': 252.0,
    'key_169': 1697,
    'key_170': 1710,
    'key_171': 1723,
    'key_172': 1736,
    'key_173': 1749,
    'key_174': 1762,
    'key_175': 262.5,
    'key_176': 1788,
    'key_177': 1801,
    'key_178': 1814,
    'key_179': 1827,
    'key_180': 1840,
    'key_181': 1853,
    'key_182': 273.0,
    'key_183': 1879,
    'key_184': 1892,
    'key_185': 1905,
    'key_186': 1918,
    'key_187': 1931,
    'key_188': 1944,
    'key_189': 283.5,
    'key_190': 1970,
    'key_191': 1983,
    'key_192': 1996,
    'key_193': 2009,
    'key_194': 2022,
    'key_195': 2035,
    'key_196': 294.0,
    'key_197': 2061,
    'key_198': 2074,
    'key_199': 2087,
    'key_200': 2100,
    'key_201': 2113,
    'key_202': 2126,
    'key_203': 304.5,
    'key_204': 2152,
    'key_205': 2165,
    'key_206': 2178,
    'key_207': 2191,
    'key_208': 2204,
    'key_209': 2217,
    'key_210': 315.0,
    'key_211': 2243,
    'key_212': 2256,
    'key_213': 2269,
    'key_214': 2282,
    'key_215': 2295,
    'key_216': 2308,
    'key_217': 325.5,
    'key_218': 2334,
    'key_219': 2347,
    'key_220': 2360,
    'key_221': 2373,
    'key_222': 2386,
    'key_223': 2399,
    'key_224': 336.0,
    'key_225': 2425,
    'key_226': 2438,
    'key_227': 2451,
    'key_228': 2464,
    'key_229': 2477,
    'key_230': 2490,
    'key_231': 346.5,
    'key_232': 2516,
    'key_233': 2529,
    'key_234': 2542,
    'key_235': 2555,
    'key_236': 2568,
    'key_237': 2581,
    'key_238': 357.0,
    'key_239': 2607,
    'key_240': 2620,
    'key_241': 2633,
    'key_242': 2646,
    'key_243': 2659,
    'key_244': 2672,
    'key_245': 367.5,
    'key_246': 2698,
    'key_247': 2711,
    'key_248': 2724,
    'key_249': 2737,
    'key_250': 2750,
    'key_251': 2763,
    'key_252': 378.0,
    'key_253': 2789,
    'key_254': 2802,
    'key_255': 2815,
    'key_256': 2828,
    'key_257': 2841,
    'key_258': 2854,
    'key_259': 388.5,
    'key_260': 2880,
    'key_261': 2893,
    'key_262': 2906,
    'key_263': 2919,
    'key_264': 2932,
    'key_265': 2945,
    'key_266': 399.0,
    'key_267': 2971,
    'key_268': 2984,
    'key_269': 2997,
    'key_270': 3010,
    'key_271': 3023,
    'key_272': 3036,
    'key_273': 409.5,
    'key_274': 3062,
    'key_275': 3075,
    'key_276': 3088,
    'key_277': 3101,
    'key_278': 3114,
    'key_279': 3127,
    'key_280': 420.0,
    'key_281': 3153,
    'key_282': 3166,
    'key_283': 3179,
    'key_284': 3192,
    'key_285': 3205,
    'key_286': 3218,
    'key_287': 430.5,
    'key_288': 3244,
    'key_289': 3257,
    'key_290': 3270,
    'key_291': 3283,
    'key_292': 3296,
    'key_293': 3309,
    'key_294': 441.0,
    'key_295': 3335,
    'key_296': 3348,
    'key_297': 3361,
    'key_298': 3374,
    'key_299': 3387,
}
print([crunch(s) for s in range(5)])
print(len(names), sum(v for v in names.values() if isinstance(v, int)), names['key_299'], names['key_007'])



















print('after a long gap in line numbers')
