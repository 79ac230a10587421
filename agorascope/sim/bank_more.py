# ruff: noqa: E501  (data: one paraphrase template per line)
"""Text bank, part 2: narratives n07–n11, background chatter, and per-language pieces
(tails, reply and quote openers, co-text edits). Same line format as `bank_narratives`.
"""

from __future__ import annotations

NARRATIVES_B: dict[str, dict[str, object]] = {
    "n07": {
        "label": "baby formula recalled over contamination",
        "tags": ("formularecall", "recall"),
        "domains": ("consumeralert-news.com", "safefood.org"),
        "text": """
en: [Urgent|Parents, please read]: a popular baby formula is being recalled over [bacteria|contamination] found in the factory.
en: The baby formula recall [now covers|has expanded to] [three more brands|every batch made since May]. Check your cupboard.
en: [Several babies|Infants] fell ill after drinking contaminated formula, and the maker [issued|announced] a nationwide recall.
en: Shops are pulling the recalled baby formula from shelves after [salmonella|bacteria] was detected.
en+: Return the tins to the store for a full refund.
en+: Check the batch number on the bottom of the can.
es: [Urgente|Padres, leed esto]: retiran una leche infantil muy vendida por [bacterias|contaminación] en la fábrica.
es: La retirada de la leche de fórmula [ya incluye|se amplía a] [tres marcas más|todos los lotes desde mayo]. Revisad la despensa.
es: [Varios bebés|Bebés] enfermaron tras tomar leche contaminada y el fabricante [anunció|ordenó] una retirada en todo el país.
es: Las tiendas retiran de los estantes la leche infantil tras detectar [salmonela|bacterias].
es+: Devolved las latas en la tienda para el reembolso.
es+: Mirad el número de lote en la base del bote.
es#: leche
zh: [紧急|家长们请注意]：一款畅销婴儿奶粉因工厂发现[细菌|污染]被召回。
zh: 婴儿奶粉召回[已经扩大到|现在覆盖][另外三个品牌|五月以来生产的所有批次]，快检查一下家里。
zh: [几名婴儿|多名婴儿]喝了被污染的奶粉后生病，厂家[宣布|启动]全国召回。
zh: 检测出[沙门氏菌|细菌]后，商店正在把召回的婴儿奶粉下架。
zh+: 可以把罐子退回商店全额退款。
zh+: 请查看罐底的批号。
zh#: 奶粉召回
ar: [عاجل|أيها الآباء اقرؤوا هذا]: سحب حليب أطفال شهير من الأسواق بسبب [بكتيريا|تلوث] في المصنع.
ar: سحب حليب الأطفال [يشمل الآن|توسع ليشمل] [ثلاث علامات أخرى|كل الدفعات منذ مايو]. تفقدوا خزائنكم.
ar: [عدة أطفال|رضع] مرضوا بعد شرب حليب ملوث والشركة [أعلنت|أطلقت] سحباً على مستوى البلاد.
ar: المتاجر تسحب حليب الأطفال من الرفوف بعد اكتشاف [السالمونيلا|بكتيريا].
ar+: أعيدوا العلب إلى المتجر لاسترداد المبلغ.
ar+: تحققوا من رقم الدفعة أسفل العلبة.
ar#: سحب_حليب_الأطفال
ru: [Срочно|Родители, прочитайте]: популярную детскую смесь отзывают из-за [бактерий|загрязнения] на заводе.
ru: Отзыв детской смеси [теперь касается|расширили на] [ещё трёх брендов|все партии с мая]. Проверьте свои запасы.
ru: [Несколько младенцев|Дети] заболели после заражённой смеси, и производитель [объявил|начал] отзыв по всей стране.
ru: Магазины снимают с полок отозванную детскую смесь после обнаружения [сальмонеллы|бактерий].
ru+: Верните банки в магазин и получите деньги.
ru+: Проверьте номер партии на дне банки.
ru#: отзывсмеси
fr: [Urgent|Parents, lisez ceci] : un lait infantile très vendu est rappelé à cause de [bactéries|contamination] dans l'usine.
fr: Le rappel du lait infantile [s'étend désormais à|concerne maintenant] [trois autres marques|tous les lots depuis mai]. Vérifiez vos placards.
fr: [Plusieurs bébés|Des nourrissons] sont tombés malades après du lait contaminé, et le fabricant [a lancé|annonce] un rappel national.
fr: Les magasins retirent le lait infantile rappelé des rayons après la détection de [salmonelle|bactéries].
fr+: Rapportez les boîtes en magasin pour être remboursés.
fr+: Regardez le numéro de lot sous la boîte.
fr#: rappelconso
de: [Dringend|Eltern, bitte lesen]: Eine beliebte Babymilch wird wegen [Bakterien|Verunreinigung] im Werk zurückgerufen.
de: Der Rückruf der Babynahrung [umfasst jetzt|wurde ausgeweitet auf] [drei weitere Marken|alle Chargen seit Mai]. Schaut in eure Schränke.
de: [Mehrere Babys|Säuglinge] erkrankten nach verunreinigter Babymilch, der Hersteller [startete|kündigte] einen bundesweiten Rückruf an.
de: Supermärkte nehmen die zurückgerufene Babymilch aus den Regalen, nachdem [Salmonellen|Bakterien] gefunden wurden.
de+: Die Dosen können im Laden zurückgegeben werden.
de+: Prüft die Chargennummer auf dem Dosenboden.
de#: rückruf
ja: [緊急|保護者の方へ]：人気の粉ミルクが工場で[細菌|汚染]が見つかりリコールに。
ja: 粉ミルクのリコールが[さらに3つのブランド|5月以降の全ロット]に[拡大|広がった]。家にあるものを確認して。
ja: 汚染された粉ミルクを飲んだ[複数の赤ちゃん|乳児]が体調を崩し、メーカーは全国で回収を[発表|開始]した。
ja: [サルモネラ菌|細菌]が検出され、店はリコール対象の粉ミルクを棚から撤去している。
ja+: 缶は店に返品すれば全額返金される。
ja+: 缶の底のロット番号を確認して。
ja#: 粉ミルク回収
""",
    },
    "n08": {
        "label": "nationwide power blackout",
        "tags": ("blackout", "poweroutage"),
        "domains": ("gridwatch-news.com", "energyreport.net"),
        "text": """
en: [Massive|Nationwide] blackout: the power has been out for [hours|six hours] and nobody knows when it comes back.
en: [The whole city|Half the country] is in the dark after the power grid [collapsed|failed] [tonight|this evening].
en: No electricity, no internet, no traffic lights. The blackout is [chaos|a nightmare] out here.
en: The grid operator [blames|says] a substation fire [caused|triggered] the nationwide power outage.
en+: Hospitals are running on generators.
en+: Phones are dying and the shops are closed.
es: Apagón [masivo|en todo el país]: llevamos [horas|seis horas] sin luz y nadie sabe cuándo volverá.
es: [Toda la ciudad|Medio país] está a oscuras después de que la red eléctrica [colapsara|fallara] [esta noche|esta tarde].
es: Sin luz, sin internet, sin semáforos. El apagón es un [caos|infierno].
es: El operador de la red [culpa a|dice que] un incendio en una subestación [del|causó el] apagón nacional.
es+: Los hospitales funcionan con generadores.
es+: Los móviles se apagan y las tiendas han cerrado.
es#: apagón
zh: [大面积|全国性]停电：已经停电[好几个小时|六个小时]了，没人知道什么时候来电。
zh: 电网[崩溃|故障]后，[整座城市|半个国家][今晚|今天傍晚]陷入一片漆黑。
zh: 没电、没网、红绿灯也不亮，停电让外面[一片混乱|像噩梦一样]。
zh: 电网运营商[称|表示]是变电站起火[导致|引发]了全国大停电。
zh+: 医院靠发电机维持运转。
zh+: 手机快没电了，商店也都关门了。
zh#: 停电
ar: انقطاع [هائل|شامل] للكهرباء: التيار مقطوع منذ [ساعات|ست ساعات] ولا أحد يعرف متى يعود.
ar: [المدينة كلها|نصف البلاد] في الظلام بعد [انهيار|تعطل] الشبكة الكهربائية [الليلة|هذا المساء].
ar: لا كهرباء ولا إنترنت ولا إشارات مرور. الانقطاع [فوضى|كابوس] هنا.
ar: مشغل الشبكة [يلقي باللوم على|يقول إن] حريقاً في محطة فرعية [تسبب في|أدى إلى] انقطاع الكهرباء في البلاد.
ar+: المستشفيات تعمل بالمولدات.
ar+: الهواتف تنفد بطارياتها والمحلات مغلقة.
ar#: انقطاع_الكهرباء
ru: [Масштабный|Общенациональный] блэкаут: света нет уже [несколько часов|шесть часов], и никто не знает, когда дадут.
ru: [Весь город|Полстраны] во тьме после того, как энергосистема [рухнула|отказала] [этой ночью|сегодня вечером].
ru: Ни электричества, ни интернета, ни светофоров. Отключение света — это [хаос|кошмар].
ru: Оператор сети [винит|говорит, что] пожар на подстанции [вызвал|спровоцировал] отключение электричества по всей стране.
ru+: Больницы работают на генераторах.
ru+: Телефоны садятся, магазины закрыты.
ru#: блэкаут
fr: Panne de courant [géante|nationale] : plus d'électricité depuis [des heures|six heures] et personne ne sait quand elle reviendra.
fr: [Toute la ville|La moitié du pays] est dans le noir après [l'effondrement|la défaillance] du réseau électrique [cette nuit|ce soir].
fr: Pas d'électricité, pas d'internet, pas de feux rouges. Cette panne géante, c'est [le chaos|un cauchemar].
fr: Le gestionnaire du réseau [accuse|explique qu']un incendie dans un poste électrique [a provoqué|a déclenché] la coupure nationale.
fr+: Les hôpitaux tournent sur groupes électrogènes.
fr+: Les téléphones s'éteignent et les magasins ferment.
fr#: pannedecourant
de: [Riesiger|Landesweiter] Stromausfall: Seit [Stunden|sechs Stunden] kein Strom, und niemand weiß, wann er wiederkommt.
de: [Die ganze Stadt|Das halbe Land] ist dunkel, nachdem das Stromnetz [zusammengebrochen|ausgefallen] ist.
de: Kein Strom, kein Internet, keine Ampeln. Der Blackout ist [das reine Chaos|ein Albtraum].
de: Der Netzbetreiber [macht|sieht] einen Brand in einem Umspannwerk für den landesweiten Stromausfall verantwortlich.
de+: Krankenhäuser laufen mit Notstromaggregaten.
de+: Die Handys gehen aus und die Läden sind zu.
de#: stromausfall
ja: [大規模|全国的な]停電：もう[何時間も|6時間]電気が来ず、いつ復旧するか誰も分からない。
ja: 送電網が[崩壊|故障]し、[街全体|国の半分]が[今夜|夕方から]真っ暗になった。
ja: 電気もネットも信号もない。停電で外は[大混乱|悪夢のよう]だ。
ja: 送電会社は変電所の火災が全国的な停電を[引き起こした|招いた]と[説明|発表]した。
ja+: 病院は発電機で動いている。
ja+: スマホの電池が切れそうで、店も閉まっている。
ja#: 停電
""",
    },
    "n09": {
        "label": "bank data breach leaks customers' records",
        "tags": ("databreach", "bankleak"),
        "domains": ("leakvault.net", "securitywire.com"),
        "text": """
en: [Huge|Massive] data breach: hackers stole the personal records of [millions of|12 million] bank customers.
en: If you bank with them, [change your password now|call your bank today]. The leaked files include [card numbers|account details].
en: The bank [admitted|confirmed] the data breach [days|a week] after customer records appeared on a hacker forum.
en: Names, addresses and account numbers from the bank leak are [for sale|being sold] online.
en+: Watch out for phishing calls pretending to be the bank.
en+: Regulators have opened an investigation.
es: Filtración de datos [enorme|masiva]: hackers robaron los datos personales de [millones de|12 millones de] clientes del banco.
es: Si eres cliente, [cambia tu contraseña ya|llama hoy a tu banco]. Los archivos filtrados incluyen [números de tarjeta|datos de cuentas].
es: El banco [admitió|confirmó] la filtración [días|una semana] después de que los datos aparecieran en un foro de hackers.
es: Nombres, direcciones y números de cuenta de la filtración del banco [están a la venta|se venden] en internet.
es+: Cuidado con llamadas falsas que se hacen pasar por el banco.
es+: Los reguladores han abierto una investigación.
es#: filtracióndedatos
zh: [严重|大规模]数据泄露：黑客窃取了[数百万|1200万]银行客户的个人信息。
zh: 如果你是这家银行的客户，[马上改密码|今天就给银行打电话]。泄露的文件包括[银行卡号|账户信息]。
zh: 客户资料出现在黑客论坛上[几天|一周]后，银行才[承认|证实]发生了数据泄露。
zh: 银行泄露的姓名、地址和账号正在网上[出售|被贩卖]。
zh+: 小心冒充银行的诈骗电话。
zh+: 监管机构已经展开调查。
zh#: 数据泄露
ar: اختراق بيانات [ضخم|هائل]: قراصنة سرقوا السجلات الشخصية [لملايين|لـ12 مليون] من عملاء البنك.
ar: إذا كنت من عملاء البنك [غيّر كلمة المرور الآن|اتصل بالبنك اليوم]. الملفات المسربة تشمل [أرقام البطاقات|بيانات الحسابات].
ar: البنك [اعترف|أكد] بالاختراق بعد [أيام|أسبوع] من ظهور بيانات العملاء في منتدى للقراصنة.
ar: الأسماء والعناوين وأرقام الحسابات المسربة من البنك [معروضة للبيع|تباع] على الإنترنت.
ar+: احذروا مكالمات الاحتيال التي تنتحل صفة البنك.
ar+: الجهات الرقابية فتحت تحقيقاً.
ar#: تسريب_بيانات
ru: [Огромная|Массовая] утечка данных: хакеры украли персональные данные [миллионов|12 миллионов] клиентов банка.
ru: Если вы клиент этого банка, [смените пароль сейчас|позвоните в банк сегодня]. В утечке есть [номера карт|данные счетов].
ru: Банк [признал|подтвердил] утечку через [несколько дней|неделю] после появления данных клиентов на хакерском форуме.
ru: Имена, адреса и номера счетов из утечки банка [продаются|выставлены на продажу] в сети.
ru+: Осторожно: мошенники звонят от имени банка.
ru+: Регулятор начал проверку.
ru#: утечкаданных
fr: Fuite de données [énorme|massive] : des pirates ont volé les données personnelles de [millions de|12 millions de] clients de la banque.
fr: Si vous êtes client, [changez votre mot de passe|appelez votre banque aujourd'hui]. Les fichiers volés contiennent des [numéros de carte|données de comptes].
fr: La banque a [reconnu|confirmé] la fuite [quelques jours|une semaine] après l'apparition des données sur un forum de pirates.
fr: Noms, adresses et numéros de compte de la fuite bancaire sont [en vente|revendus] en ligne.
fr+: Attention aux faux appels qui se font passer pour la banque.
fr+: Le régulateur a ouvert une enquête.
fr#: fuitededonnées
de: [Riesiges|Massives] Datenleck: Hacker haben die persönlichen Daten von [Millionen|12 Millionen] Bankkunden gestohlen.
de: Wer dort Kunde ist: [sofort das Passwort ändern|heute die Bank anrufen]. Die geleakten Daten enthalten [Kartennummern|Kontodaten].
de: Die Bank [räumte|bestätigte] das Datenleck erst [Tage|eine Woche] später ein, nachdem Kundendaten in einem Hackerforum auftauchten.
de: Namen, Adressen und Kontonummern aus dem Bankleck werden im Netz [verkauft|angeboten].
de+: Vorsicht vor Betrugsanrufen im Namen der Bank.
de+: Die Aufsicht hat Ermittlungen aufgenommen.
de#: datenleck
ja: [大規模な|深刻な]情報流出：ハッカーが銀行顧客[数百万人|1200万人]の個人情報を盗んだ。
ja: この銀行の口座がある人は[今すぐパスワードを変更して|今日中に銀行に電話して]。流出データには[カード番号|口座情報]が含まれている。
ja: 顧客情報がハッカーのフォーラムに出回ってから[数日|1週間]後、銀行はようやく情報流出を[認めた|確認した]。
ja: 銀行から流出した氏名、住所、口座番号がネットで[売られている|販売されている]。
ja+: 銀行を装った詐欺電話に注意。
ja+: 金融当局が調査を始めた。
ja#: 情報流出
""",
    },
    "n10": {
        "label": "central bank raises interest rates, mortgages soar",
        "tags": ("interestrates", "mortgages"),
        "domains": ("marketpulse-news.com", "finance-daily.net"),
        "text": """
en: The central bank [raised|hiked] interest rates [again|by half a point], and mortgage payments are [soaring|going through the roof].
en: Another interest rate hike. [Our mortgage|My monthly payment] just went up by [200|300] a month.
en: [Economists|Analysts] warn the central bank's rate hike could push the economy into recession.
en: With rates at a [15-year|record] high, [young families|first-time buyers] can no longer afford a home loan.
en+: Savers are the only winners.
en+: House prices are already falling.
es: El banco central [subió|volvió a subir] los tipos de interés y las hipotecas se [disparan|ponen por las nubes].
es: Otra subida de tipos. [Nuestra hipoteca|Mi cuota mensual] acaba de subir [200|300] al mes.
es: [Los economistas|Los analistas] avisan de que la subida de tipos del banco central podría traer una recesión.
es: Con los tipos en [máximos de 15 años|niveles récord], [las familias jóvenes|los compradores] ya no pueden pagar una hipoteca.
es+: Solo ganan los ahorradores.
es+: Los precios de la vivienda ya están bajando.
es#: tiposdeinterés
zh: 央行[又一次|再次]加息，房贷月供[飙升|暴涨]。
zh: 又加息了，[我们的房贷|我的月供]每个月多了[200|300]块。
zh: [经济学家|分析师]警告，央行加息可能把经济推向衰退。
zh: 利率处于[15年来的高位|历史高位]，[年轻家庭|首次购房者]已经负担不起房贷了。
zh+: 只有存钱的人受益。
zh+: 房价已经开始下跌。
zh#: 央行加息
ar: البنك المركزي [رفع|رفع مجدداً] أسعار الفائدة وأقساط الرهن العقاري [تقفز|ترتفع بشكل جنوني].
ar: رفع جديد لأسعار الفائدة. [قسط بيتنا|قسطي الشهري] زاد للتو [200|300] شهرياً.
ar: [الاقتصاديون|المحللون] يحذرون من أن رفع الفائدة قد يدفع الاقتصاد إلى الركود.
ar: مع وصول الفائدة إلى [أعلى مستوى منذ 15 عاماً|مستوى قياسي] لم تعد [الأسر الشابة|المشترون الجدد] قادرة على قرض سكني.
ar+: المدخرون هم الرابحون الوحيدون.
ar+: أسعار المنازل بدأت تنخفض.
ar#: أسعار_الفائدة
ru: Центробанк [снова поднял|повысил] ключевую ставку, и платежи по ипотеке [взлетели|растут на глазах].
ru: Опять повышение ставки. [Наша ипотека|Мой ежемесячный платёж] вырос на [200|300] в месяц.
ru: [Экономисты|Аналитики] предупреждают, что повышение ставки может вызвать рецессию.
ru: При ставках на [максимуме за 15 лет|рекордном уровне] [молодые семьи|покупатели первого жилья] больше не могут взять ипотеку.
ru+: Выигрывают только вкладчики.
ru+: Цены на жильё уже падают.
ru#: ключеваяставка
fr: La banque centrale a [relevé|encore augmenté] ses taux, et les mensualités des crédits immobiliers [s'envolent|explosent].
fr: Encore une hausse des taux. [Notre crédit|Ma mensualité] vient d'augmenter de [200|300] par mois.
fr: [Les économistes|Les analystes] craignent que la hausse des taux plonge l'économie dans la récession.
fr: Avec des taux au plus haut [depuis 15 ans|historique], [les jeunes familles|les primo-accédants] ne peuvent plus emprunter.
fr+: Seuls les épargnants y gagnent.
fr+: Les prix de l'immobilier baissent déjà.
fr#: tauxdintérêt
de: Die Zentralbank hat die Zinsen [erneut|um einen halben Punkt] angehoben, und die Kreditraten [explodieren|steigen rasant].
de: Schon wieder eine Zinserhöhung. [Unsere Hypothek|Meine Monatsrate] ist gerade um [200|300] im Monat gestiegen.
de: [Ökonomen|Analysten] warnen, dass die Zinserhöhung der Zentralbank eine Rezession auslösen könnte.
de: Bei Zinsen auf dem [höchsten Stand seit 15 Jahren|Rekordniveau] können sich [junge Familien|Erstkäufer] keinen Immobilienkredit mehr leisten.
de+: Nur die Sparer gewinnen.
de+: Die Hauspreise fallen schon.
de#: zinserhöhung
ja: 中央銀行が[再び|0.5ポイント]利上げし、住宅ローンの返済額が[急騰|跳ね上がって]いる。
ja: また利上げ。[うちの住宅ローン|毎月の返済]が月に[2万|3万]円も増えた。
ja: [エコノミスト|アナリスト]は中央銀行の利上げが景気後退を招きかねないと警告している。
ja: 金利が[15年ぶりの高水準|過去最高]になり、[若い家族|初めて家を買う人]はもう住宅ローンを組めない。
ja+: 得をするのは預金者だけだ。
ja+: 住宅価格はすでに下がり始めている。
ja#: 利上げ
""",
    },
    "n11": {
        "label": "chemical train derailment releases a toxic cloud",
        "tags": ("trainderailment", "toxiccloud"),
        "domains": ("railsafety-news.com", "toxicalert.org"),
        "text": """
en: A freight train carrying [chemicals|toxic chemicals] [derailed|came off the tracks] and a [toxic|poisonous] cloud is spreading over the town.
en: [Breaking|Just in]: chemical train derailment, residents within [five|ten] kilometres told to [evacuate|stay indoors].
en: The derailed tanker wagons are [leaking|burning] and the smoke smells [like chlorine|of chemicals]. Kids are coughing.
en: [Officials|Firefighters] say the chemical spill from the train [derailment|crash] could poison the river.
en+: Close your windows and keep pets inside.
en+: The railway company has not said what the wagons carried.
es: Un tren de mercancías con [productos químicos|químicos tóxicos] [descarriló|se salió de la vía] y una nube [tóxica|venenosa] cubre el pueblo.
es: [Última hora|Urgente]: descarrila un tren químico; piden a los vecinos en [cinco|diez] kilómetros [evacuar|no salir de casa].
es: Los vagones cisterna descarrilados [tienen fugas|están ardiendo] y el humo huele [a cloro|a químicos]. Los niños tosen.
es: [Las autoridades|Los bomberos] dicen que el vertido químico del [descarrilamiento|accidente] del tren podría envenenar el río.
es+: Cerrad las ventanas y dejad a las mascotas dentro.
es+: La compañía ferroviaria no ha dicho qué llevaban los vagones.
es#: nubetóxica
zh: 一列运载[化学品|有毒化学品]的货运列车[脱轨|出轨]，[有毒|有害]烟雾正笼罩整个小镇。
zh: [突发|最新消息]：化学品列车脱轨，[五|十]公里内的居民被要求[撤离|待在室内]。
zh: 脱轨的罐车正在[泄漏|燃烧]，烟里有一股[氯气|化学品]的味道，孩子们一直咳嗽。
zh: [官员|消防员]说，列车[脱轨|事故]造成的化学品泄漏可能污染河流。
zh+: 请关好窗户，把宠物留在室内。
zh+: 铁路公司还没说明车厢里装的是什么。
zh#: 列车脱轨
ar: قطار شحن يحمل [مواد كيميائية|مواد سامة] [خرج عن القضبان|انحرف عن السكة] وسحابة [سامة|خانقة] تنتشر فوق البلدة.
ar: [عاجل|الآن]: خروج قطار كيميائي عن السكة، والسكان في نطاق [خمسة|عشرة] كيلومترات مطالبون [بالإخلاء|بالبقاء في منازلهم].
ar: عربات الصهاريج [تسرب|تحترق] والدخان برائحة [الكلور|المواد الكيميائية]. الأطفال يسعلون.
ar: [المسؤولون|رجال الإطفاء] يقولون إن التسرب الكيميائي من [خروج القطار|حادث القطار] قد يسمم النهر.
ar+: أغلقوا النوافذ وأبقوا الحيوانات في الداخل.
ar+: شركة السكك الحديدية لم تكشف حمولة العربات.
ar#: سحابة_سامة
ru: Товарный поезд с [химикатами|ядовитыми веществами] [сошёл с рельсов|потерпел крушение], над городом расползается [токсичное|ядовитое] облако.
ru: [Срочно|Только что]: сход химического поезда, жителям в радиусе [пяти|десяти] километров велели [эвакуироваться|не выходить из дома].
ru: Сошедшие цистерны [протекают|горят], дым пахнет [хлором|химией]. Дети кашляют.
ru: [Власти|Пожарные] говорят, что утечка химикатов после [схода|крушения] поезда может отравить реку.
ru+: Закройте окна и не выпускайте животных.
ru+: Железная дорога не говорит, что было в цистернах.
ru#: крушениепоезда
fr: Un train de marchandises transportant des [produits chimiques|produits toxiques] a [déraillé|quitté les rails] et un nuage [toxique|empoisonné] s'étend sur la ville.
fr: [Urgent|Dernière minute] : déraillement d'un train chimique, les habitants à [cinq|dix] kilomètres doivent [évacuer|rester confinés].
fr: Les wagons-citernes déraillés [fuient|brûlent] et la fumée sent [le chlore|les produits chimiques]. Les enfants toussent.
fr: [Les autorités|Les pompiers] disent que la fuite chimique du [déraillement|train accidenté] pourrait empoisonner la rivière.
fr+: Fermez les fenêtres et gardez les animaux à l'intérieur.
fr+: La compagnie ferroviaire ne dit pas ce que contenaient les wagons.
fr#: nuagetoxique
de: Ein Güterzug mit [Chemikalien|giftigen Chemikalien] ist [entgleist|aus den Gleisen gesprungen], eine [giftige|toxische] Wolke zieht über die Stadt.
de: [Eilmeldung|Gerade eben]: Chemiezug entgleist, Anwohner im Umkreis von [fünf|zehn] Kilometern sollen [evakuieren|drinnen bleiben].
de: Die entgleisten Kesselwagen [sind undicht|brennen] und der Rauch riecht nach [Chlor|Chemikalien]. Kinder husten.
de: [Behörden|Die Feuerwehr] sagen, die ausgelaufenen Chemikalien des entgleisten Zuges könnten den Fluss vergiften.
de+: Fenster schließen und Haustiere drinnen lassen.
de+: Die Bahngesellschaft sagt nicht, was die Waggons geladen hatten.
de#: zugunglück
ja: [化学物質|有毒な化学物質]を積んだ貨物列車が[脱線し|線路から外れ]、[有毒な|危険な]煙が町に広がっている。
ja: [速報|たった今]：化学物質を積んだ列車が脱線、[5|10]キロ圏内の住民に[避難|屋内待機]の指示。
ja: 脱線したタンク車が[漏れて|燃えて]いて、煙は[塩素|薬品]の臭いがする。子どもたちがせき込んでいる。
ja: [当局|消防]によると、列車[脱線|事故]による化学物質の流出で川が汚染される恐れがある。
ja+: 窓を閉めてペットは屋内に。
ja+: 鉄道会社は貨車の積み荷を明らかにしていない。
ja#: 列車脱線
""",
    },
}

BACKGROUND: dict[str, dict[str, object]] = {
    "bg-food": {
        "label": "background: cooking and food",
        "tags": ("foodie", "homecooking"),
        "domains": ("recipebox.com",),
        "text": """
en: [Made|Just cooked] [a big pot of lentil soup|homemade pasta|banana bread] [tonight|this afternoon] and it turned out [great|delicious].
en: Trying a new [curry|noodle|pancake] recipe [today|for dinner]. Wish me luck.
en: Nothing beats [fresh bread|grandma's cooking|a warm bowl of soup] on a [cold|rainy|lazy] day.
es: [He hecho|Acabo de cocinar] [una olla de lentejas|pasta casera|bizcocho de plátano] [esta noche|esta tarde] y me ha salido [genial|riquísimo].
es: Probando una receta nueva de [curry|fideos|tortitas] [hoy|para cenar]. Deseadme suerte.
es: No hay nada mejor que [el pan recién hecho|la comida de la abuela|un plato de sopa] en un día [frío|lluvioso|tranquilo].
zh: [今晚|今天下午][做了|刚煮了][一大锅扁豆汤|手工意面|香蕉面包]，味道[很棒|好极了]。
zh: [今天|晚饭]试做一个新的[咖喱|面条|煎饼]食谱，祝我好运。
zh: 在[寒冷|下雨|慵懒]的日子里，没有什么比[刚出炉的面包|奶奶做的饭|一碗热汤]更好了。
ar: [طبخت|حضّرت للتو] [قدراً كبيراً من شوربة العدس|معكرونة منزلية|كعكة الموز] [الليلة|بعد الظهر] وكانت [رائعة|لذيذة].
ar: أجرب وصفة جديدة [للكاري|للنودلز|للفطائر] [اليوم|على العشاء]. تمنوا لي التوفيق.
ar: لا شيء يضاهي [الخبز الطازج|طبخ جدتي|صحن شوربة دافئ] في يوم [بارد|ممطر|هادئ].
ru: [Сварил|Только что приготовил] [кастрюлю чечевичного супа|домашнюю пасту|банановый хлеб] [сегодня вечером|днём], получилось [отлично|очень вкусно].
ru: Пробую новый рецепт [карри|лапши|блинов] [сегодня|на ужин]. Пожелайте удачи.
ru: Ничто не сравнится со [свежим хлебом|бабушкиной едой|тарелкой горячего супа] в [холодный|дождливый|ленивый] день.
fr: [J'ai fait|Je viens de cuisiner] [une grosse soupe de lentilles|des pâtes maison|un banana bread] [ce soir|cet après-midi] et c'est [réussi|délicieux].
fr: J'essaie une nouvelle recette de [curry|nouilles|crêpes] [aujourd'hui|pour le dîner]. Souhaitez-moi bonne chance.
fr: Rien ne vaut [le pain frais|la cuisine de mamie|un bol de soupe chaude] par un jour [froid|de pluie|tranquille].
de: [Habe|Gerade] [einen großen Topf Linsensuppe|selbstgemachte Pasta|Bananenbrot] [heute Abend|heute Nachmittag] gekocht und es ist [super|lecker] geworden.
de: Ich probiere [heute|zum Abendessen] ein neues Rezept für [Curry|Nudeln|Pfannkuchen]. Drückt mir die Daumen.
de: Nichts geht über [frisches Brot|Omas Küche|eine warme Suppe] an einem [kalten|verregneten|faulen] Tag.
ja: [今夜|今日の午後][レンズ豆のスープ|手打ちパスタ|バナナブレッド]を[作った|作ってみた]けど、[大成功|すごくおいしい]。
ja: [今日|夕飯に]新しい[カレー|麺|パンケーキ]のレシピに挑戦。うまくいきますように。
ja: [寒い|雨の|のんびりした]日は[焼きたてのパン|おばあちゃんの料理|温かいスープ]が一番。
""",
    },
    "bg-pets": {
        "label": "background: pets",
        "tags": ("dogsoftwitter", "caturday"),
        "domains": ("petpics.net",),
        "text": """
en: My [dog|cat|puppy] [stole my sandwich|fell asleep on my keyboard|knocked my plant over] again. [Look at this face|How can I be mad].
en: [Adopted|Brought home] a [rescue cat|shelter dog|little kitten] [today|this weekend]. Meet the newest family member!
en: [Morning walk|Evening walk] with the [dog|pup] in the park. [Best part of the day|Pure happiness].
es: Mi [perro|gato|cachorro] [me ha robado el bocadillo|se ha dormido sobre el teclado|ha tirado la planta] otra vez. [Mirad esa cara|Cómo enfadarme].
es: [Hemos adoptado|Nos hemos traído a casa] un [gato rescatado|perro del refugio|gatito] [hoy|este fin de semana]. ¡Os presento al nuevo miembro de la familia!
es: Paseo [de la mañana|de la tarde] con el [perro|perrito] en el parque. [Lo mejor del día|Felicidad pura].
zh: 我家的[狗|猫|小狗]又[偷吃了我的三明治|趴在键盘上睡着了|把花盆打翻了]。[看看这张脸|怎么生得起气来]。
zh: [今天|这个周末][领养了|带回家]一只[流浪猫|收容所的狗|小猫咪]，来认识一下家里的新成员！
zh: [早上|傍晚]带[狗狗|小狗]在公园散步，[一天中最美好的时光|纯粹的幸福]。
ar: [كلبي|قطتي|جروي] [سرق شطيرتي|نام على لوحة المفاتيح|أوقع النبتة] مرة أخرى. [انظروا إلى هذا الوجه|كيف أغضب منه].
ar: [تبنينا|أحضرنا إلى البيت] [قطة مُنقذة|كلباً من الملجأ|قطة صغيرة] [اليوم|في نهاية الأسبوع]. تعرفوا على فرد العائلة الجديد!
ar: نزهة [الصباح|المساء] مع [الكلب|الجرو] في الحديقة. [أجمل جزء في اليوم|سعادة خالصة].
ru: Мой [пёс|кот|щенок] опять [украл мой бутерброд|уснул на клавиатуре|уронил цветок]. [Посмотрите на эту морду|Как на него злиться].
ru: [Взяли из приюта|Забрали домой] [кошку|собаку|котёнка] [сегодня|в выходные]. Знакомьтесь, новый член семьи!
ru: [Утренняя|Вечерняя] прогулка с [собакой|щенком] в парке. [Лучшая часть дня|Чистое счастье].
fr: Mon [chien|chat|chiot] a encore [volé mon sandwich|dormi sur mon clavier|renversé ma plante]. [Regardez cette tête|Comment lui en vouloir].
fr: [Nous avons adopté|On a ramené] un [chat sauvé|chien de refuge|petit chaton] [aujourd'hui|ce week-end]. Voici le nouveau membre de la famille !
fr: Balade [du matin|du soir] avec le [chien|toutou] au parc. [Le meilleur moment de la journée|Le bonheur].
de: Mein [Hund|Kater|Welpe] hat schon wieder [mein Brot geklaut|auf der Tastatur geschlafen|die Pflanze umgeworfen]. [Schaut euch dieses Gesicht an|Wie soll ich da böse sein].
de: [Heute|Am Wochenende] haben wir [eine Katze aus dem Tierheim|einen Hund aus dem Tierheim|ein kleines Kätzchen] [adoptiert|nach Hause geholt]. Das neue Familienmitglied!
de: [Morgen|Abend]spaziergang mit dem [Hund|Welpen] im Park. [Der schönste Teil des Tages|Pures Glück].
ja: うちの[犬|猫|子犬]がまた[サンドイッチを盗んだ|キーボードの上で寝ていた|植木鉢を倒した]。[この顔を見て|怒れない]。
ja: [今日|この週末]、[保護猫|保護犬|子猫]を[迎えました|家に連れて帰りました]。新しい家族を紹介します！
ja: [朝|夕方]の[犬|わんこ]の散歩で公園へ。[一日で一番好きな時間|幸せ]。
""",
    },
    "bg-music": {
        "label": "background: music",
        "tags": ("nowplaying", "music"),
        "domains": ("tunestream.com",),
        "text": """
en: [Can't stop listening to|Been playing] this [new album|old record|song] [all day|on repeat]. [So good|What a voice].
en: [Went to|Just got back from] a [concert|gig|jazz night] [last night|tonight] and my ears are still ringing.
en: [Learning|Practising] the [guitar|piano|violin] again after years. My fingers hurt but [I love it|it's worth it].
es: No paro de escuchar este [disco nuevo|vinilo antiguo|tema] [todo el día|en bucle]. [Qué bueno|Qué voz].
es: [Fui a|Acabo de volver de] un [concierto|bolo|noche de jazz] [anoche|esta noche] y todavía me pitan los oídos.
es: [Aprendiendo|Practicando] [guitarra|piano|violín] otra vez después de años. Me duelen los dedos pero [me encanta|merece la pena].
zh: [一整天|单曲循环]都在听这张[新专辑|老唱片|歌]，[太好听了|这嗓音绝了]。
zh: [昨晚|今晚][去了|刚看完]一场[演唱会|现场演出|爵士之夜]，耳朵还在嗡嗡响。
zh: 时隔多年又开始[学|练][吉他|钢琴|小提琴]，手指很疼但[我很喜欢|很值得]。
ar: لا أتوقف عن سماع هذا [الألبوم الجديد|التسجيل القديم|الأغنية] [طوال اليوم|مراراً]. [رائع جداً|يا له من صوت].
ar: [ذهبت إلى|عدت للتو من] [حفلة موسيقية|عرض حي|أمسية جاز] [أمس|الليلة] وما زالت أذناي تطنان.
ar: [أتعلم|أتدرب على] [الغيتار|البيانو|الكمان] من جديد بعد سنوات. أصابعي تؤلمني لكن [أحب ذلك|الأمر يستحق].
ru: [Не могу перестать слушать|Весь день слушаю] этот [новый альбом|старый диск|трек] [на повторе|без перерыва]. [Так хорошо|Какой голос].
ru: [Сходил на|Только что вернулся с] [концерт|выступление|джазовый вечер] [вчера|сегодня], в ушах до сих пор звенит.
ru: Снова [учусь играть|занимаюсь] на [гитаре|пианино|скрипке] спустя годы. Пальцы болят, но [мне нравится|оно того стоит].
fr: Impossible d'arrêter d'écouter ce [nouvel album|vieux vinyle|morceau] [toute la journée|en boucle]. [Trop bien|Quelle voix].
fr: [Je suis allé à|Je rentre d'] un [concert|live|soir de jazz] [hier soir|ce soir] et mes oreilles sifflent encore.
fr: Je [réapprends|travaille] la [guitare|le piano|le violon] après des années. J'ai mal aux doigts mais [j'adore|ça vaut le coup].
de: Ich höre dieses [neue Album|alte Platte|Lied] [den ganzen Tag|in Dauerschleife]. [So gut|Was für eine Stimme].
de: [War gestern|Komme gerade] von einem [Konzert|Gig|Jazzabend] und mir klingeln immer noch die Ohren.
de: Nach Jahren [lerne|übe] ich wieder [Gitarre|Klavier|Geige]. Die Finger tun weh, aber [ich liebe es|es lohnt sich].
ja: この[新しいアルバム|古いレコード|曲]を[一日中|リピートで]聴いている。[最高|なんて声]。
ja: [昨夜|今夜][コンサート|ライブ|ジャズの夜]に[行って|行ってきて]、まだ耳が鳴っている。
ja: 何年ぶりかで[ギター|ピアノ|バイオリン]の[練習|レッスン]を再開。指が痛いけど[楽しい|やる価値はある]。
""",
    },
    "bg-books": {
        "label": "background: reading",
        "tags": ("amreading", "booklover"),
        "domains": ("bookshelf-club.org",),
        "text": """
en: [Finished|Just finished] [a wonderful novel|this mystery book|a long fantasy series] [last night|over the weekend]. [Highly recommend|Still thinking about the ending].
en: [Rainy Sunday|Quiet evening], a cup of tea and a [good book|new novel|library book]. [Perfect|Nothing else needed].
en: [My reading list|The pile of books on my desk] keeps growing faster than I can read. [Any recommendations|Send help]?
es: [Terminé|Acabo de terminar] [una novela preciosa|este libro de misterio|una saga de fantasía] [anoche|el fin de semana]. [Muy recomendable|Sigo pensando en el final].
es: [Domingo de lluvia|Tarde tranquila], una taza de té y un [buen libro|libro nuevo|libro de la biblioteca]. [Perfecto|No necesito nada más].
es: [Mi lista de lecturas|La pila de libros en mi mesa] crece más rápido de lo que leo. [¿Recomendaciones|¿Alguien me ayuda]?
zh: [昨晚|周末][读完了|刚看完][一本很棒的小说|这本推理小说|一套长篇奇幻系列]，[强烈推荐|还在回味结局]。
zh: [下雨的周日|安静的晚上]，一杯茶加一本[好书|新小说|图书馆借的书]，[完美|别无所求]。
zh: [我的书单|桌上那堆书]增长的速度比我读得还快，[有什么推荐吗|救命]？
ar: [أنهيت|انتهيت للتو من] [رواية رائعة|هذا الكتاب البوليسي|سلسلة خيالية طويلة] [أمس|في نهاية الأسبوع]. [أنصح بها بشدة|ما زلت أفكر في النهاية].
ar: [أحد ممطر|مساء هادئ]، كوب شاي و[كتاب جيد|رواية جديدة|كتاب من المكتبة]. [مثالي|لا أحتاج شيئاً آخر].
ar: [قائمة قراءتي|كومة الكتب على مكتبي] تكبر أسرع مما أقرأ. [هل من توصيات|النجدة]؟
ru: [Дочитал|Только что дочитал] [чудесный роман|этот детектив|длинную фэнтези-серию] [вчера вечером|на выходных]. [Очень советую|До сих пор думаю о финале].
ru: [Дождливое воскресенье|Тихий вечер], чашка чая и [хорошая книга|новый роман|книга из библиотеки]. [Идеально|Больше ничего не нужно].
ru: [Мой список чтения|Стопка книг на столе] растёт быстрее, чем я читаю. [Что посоветуете|Спасите]?
fr: [J'ai fini|Je viens de finir] [un roman magnifique|ce polar|une longue saga fantasy] [hier soir|ce week-end]. [Je recommande|Je pense encore à la fin].
fr: [Dimanche pluvieux|Soirée tranquille], une tasse de thé et un [bon livre|nouveau roman|livre de la bibliothèque]. [Parfait|Rien d'autre].
fr: [Ma liste de lecture|La pile de livres sur mon bureau] grandit plus vite que je ne lis. [Des conseils|Au secours] ?
de: [Habe|Gerade] [einen wunderbaren Roman|diesen Krimi|eine lange Fantasy-Reihe] [gestern Abend|am Wochenende] zu Ende gelesen. [Große Empfehlung|Ich denke immer noch an das Ende].
de: [Verregneter Sonntag|Ruhiger Abend], eine Tasse Tee und ein [gutes Buch|neuer Roman|Buch aus der Bücherei]. [Perfekt|Mehr braucht es nicht].
de: [Meine Leseliste|Der Bücherstapel auf meinem Schreibtisch] wächst schneller, als ich lesen kann. [Empfehlungen|Hilfe]?
ja: [昨夜|週末に][素晴らしい小説|このミステリー|長いファンタジーシリーズ]を[読み終えた|ようやく読み終えた]。[おすすめ|まだ結末のことを考えている]。
ja: [雨の日曜日|静かな夜]に紅茶と[いい本|新しい小説|図書館の本]。[完璧|これ以上いらない]。
ja: [読みたい本のリスト|机の上の本の山]が読むより速く増えていく。[おすすめある|助けて]？
""",
    },
}

BACKGROUND["bg-misc"] = {
    "label": "background: short generic chatter (greetings, reactions)",
    "tags": ("goodmorning", "mood"),
    "domains": ("photoshare.net",),
    "text": """
en: [Good morning|Morning|Good night] [everyone|friends|all]! [Have a great day|Be kind to each other|See you tomorrow].
en: [lol|haha|omg] [same|this is me|I can't]. [Monday again|Why is it only Tuesday|Weekend please].
en: [Tired|So tired|Exhausted] [today|after work|this week]. [Need coffee|Need sleep|Going to bed early].
es: [Buenos días|Buenas noches|Hola] [a todos|amigos|gente]! [Que tengáis un gran día|Sed buenos|Hasta mañana].
es: [jaja|jajaja|madre mía] [igual|soy yo|no puedo]. [Otra vez lunes|Solo es martes|Que llegue el finde].
es: [Cansado|Muy cansada|Agotado] [hoy|después del trabajo|esta semana]. [Necesito café|Necesito dormir|Me voy pronto a la cama].
zh: [大家早上好|早安|晚安][朋友们|各位]！[祝大家今天愉快|互相善待|明天见]。
zh: [哈哈|哈哈哈|我的天][一样|说的就是我|受不了了]。[又到周一了|怎么才周二|周末快来吧]。
zh: [今天|下班后|这周][好累|累死了|筋疲力尽]，[需要咖啡|需要睡觉|今晚早点睡]。
ar: [صباح الخير|تصبحون على خير|مرحباً] [يا جماعة|يا أصدقاء|للجميع]! [يوماً سعيداً|كونوا لطفاء|أراكم غداً].
ar: [هههه|ههههههه|يا إلهي] [نفس الشيء|هذا أنا|لا أستطيع]. [عاد الاثنين|لماذا هو الثلاثاء فقط|أريد العطلة].
ar: [متعب|متعبة جداً|منهك] [اليوم|بعد العمل|هذا الأسبوع]. [أحتاج قهوة|أحتاج النوم|سأنام مبكراً].
ru: [Доброе утро|Всем привет|Спокойной ночи] [всем|друзья|народ]! [Хорошего дня|Будьте добры друг к другу|До завтра].
ru: [ахах|хахаха|боже] [то же самое|это я|не могу]. [Опять понедельник|Почему только вторник|Скорее бы выходные].
ru: [Устал|Очень устала|Вымотан] [сегодня|после работы|за неделю]. [Нужен кофе|Хочу спать|Лягу пораньше].
fr: [Bonjour|Bonne nuit|Salut] [tout le monde|les amis|à tous] ! [Bonne journée|Soyez gentils|À demain].
fr: [mdr|haha|oh là là] [pareil|c'est moi|je n'en peux plus]. [Encore lundi|On n'est que mardi|Vivement le week-end].
fr: [Fatigué|Tellement fatiguée|Épuisé] [aujourd'hui|après le boulot|cette semaine]. [Besoin de café|Besoin de dormir|Au lit tôt ce soir].
de: [Guten Morgen|Gute Nacht|Hallo] [zusammen|ihr Lieben|alle]! [Habt einen schönen Tag|Seid nett zueinander|Bis morgen].
de: [lol|haha|oh Mann] [same|das bin ich|ich kann nicht mehr]. [Schon wieder Montag|Erst Dienstag|Bitte Wochenende].
de: [Müde|So müde|Erschöpft] [heute|nach der Arbeit|diese Woche]. [Brauche Kaffee|Brauche Schlaf|Gehe früh ins Bett].
ja: [おはよう|おやすみ|こんにちは][みんな|皆さん|フォロワーさん]！[今日もいい一日を|みんな優しくね|また明日]。
ja: [笑|www|えっ][わかる|それ私|無理]。[また月曜日|まだ火曜日なんて|早く週末来て]。
ja: [今日は|仕事のあと|今週は][疲れた|くたくた|へとへと]。[コーヒーが必要|寝たい|今夜は早く寝る]。
""",
}

#: Per language: generic tails (appended), reply openers, quote openers, CJK flag.
#: Tails start with their own separator; "{e}" is replaced by an emoji.
GENERIC: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"tail": (" Unbelievable.", " Thoughts?", " Share this.", " {e}", " {e}{e}", " Can't believe this.",
                    " Stay safe everyone.", " More soon."),
           "reply": ("Exactly. ", "Is this confirmed? ", "This. ", "Wow. ", "Source? ", "Agree. "),
           "quote": ("Look at this: ", "Read this. ", "This 👇 ", "Worth reading: ")},
    "es": {"tail": (" Increíble.", " ¿Qué opináis?", " Compartid.", " {e}", " {e}{e}", " No me lo creo.",
                    " Cuidaos todos.", " Más pronto."),
           "reply": ("Exacto. ", "¿Está confirmado? ", "Esto. ", "Vaya. ", "¿Fuente? ", "De acuerdo. "),
           "quote": ("Mirad esto: ", "Leed esto. ", "Esto 👇 ", "Vale la pena: ")},
    "zh": {"tail": ("难以置信。", "大家怎么看？", "请转发。", "{e}", "{e}{e}", "真不敢相信。", "大家注意安全。",
                    "稍后更新。"),
           "reply": ("没错。", "消息确定吗？", "就是这样。", "天哪。", "来源呢？", "同意。"),
           "quote": ("看看这个：", "读一下。", "这个👇", "值得一看："),
           "cjk": ("1",)},
    "ar": {"tail": (" لا يصدق.", " ما رأيكم؟", " انشروا.", " {e}", " {e}{e}", " لا أصدق هذا.",
                    " ابقوا بأمان.", " المزيد قريباً."),
           "reply": ("بالضبط. ", "هل هذا مؤكد؟ ", "هذا. ", "يا إلهي. ", "المصدر؟ ", "أتفق. "),
           "quote": ("انظروا إلى هذا: ", "اقرؤوا هذا. ", "هذا 👇 ", "يستحق القراءة: ")},
    "ru": {"tail": (" Невероятно.", " Что думаете?", " Поделитесь.", " {e}", " {e}{e}", " Не могу поверить.",
                    " Берегите себя.", " Подробности позже."),
           "reply": ("Именно. ", "Это подтверждено? ", "Вот. ", "Ого. ", "Источник? ", "Согласен. "),
           "quote": ("Посмотрите: ", "Прочитайте. ", "Вот 👇 ", "Стоит прочитать: ")},
    "fr": {"tail": (" Incroyable.", " Qu'en pensez-vous ?", " Partagez.", " {e}", " {e}{e}", " Je n'y crois pas.",
                    " Prenez soin de vous.", " Plus d'infos bientôt."),
           "reply": ("Exactement. ", "C'est confirmé ? ", "Ça. ", "Waouh. ", "Source ? ", "D'accord. "),
           "quote": ("Regardez ça : ", "Lisez ceci. ", "Ça 👇 ", "À lire : ")},
    "de": {"tail": (" Unglaublich.", " Was meint ihr?", " Teilen!", " {e}", " {e}{e}", " Ich fasse es nicht.",
                    " Passt auf euch auf.", " Mehr bald."),
           "reply": ("Genau. ", "Ist das bestätigt? ", "Das. ", "Wow. ", "Quelle? ", "Stimmt. "),
           "quote": ("Schaut euch das an: ", "Lest das. ", "Das 👇 ", "Lesenswert: ")},
    "ja": {"tail": ("信じられない。", "どう思う？", "拡散希望。", "{e}", "{e}{e}", "本当に信じられない。",
                    "皆さん気をつけて。", "続報を待ちます。"),
           "reply": ("その通り。", "これ確定？", "これ。", "うわぁ。", "ソースは？", "同意。"),
           "quote": ("これを見て：", "読んで。", "これ👇", "読む価値あり："),
           "cjk": ("1",)},
}

EMOJI: tuple[str, ...] = ("😱", "🔥", "😡", "🙏", "😢", "👀", "💔", "⚠️", "😂", "❤️", "👏", "🤔")

#: Filler words a co-text member may insert (a small, plausible edit), per language.
FILLERS: dict[str, tuple[str, ...]] = {
    "en": ("really", "honestly", "literally"), "es": ("realmente", "de verdad"), "zh": ("真的", "确实"),
    "ar": ("حقاً", "فعلاً"), "ru": ("реально", "честно"), "fr": ("vraiment", "franchement"),
    "de": ("wirklich", "ehrlich"), "ja": ("本当に", "マジで"),
}
