# ruff: noqa: E501  (data: one paraphrase template per line)
"""Text bank, part 1: the planted narratives n01–n06 in eight languages.

Format (parsed by `agorascope.sim.texts`): one line per entry, `xx:` a sentence template in
language xx, `xx+:` an optional extra clause, `xx#:` language-specific hashtags. `[a|b|c]`
marks alternatives; every combination is a paraphrase. Written by hand, one meaning per
narrative, so a multilingual sentence embedding groups a narrative across languages.
"""

from __future__ import annotations

NARRATIVES_A: dict[str, dict[str, object]] = {
    "n01": {
        "label": "dam failure floods the valley",
        "tags": ("dambreak", "flood"),
        "domains": ("riverwatch-news.com", "valleytimes.org"),
        "text": """
en: The dam above the valley has [collapsed|burst|failed] and [villages|whole towns] are under water.
en: [Shocking|Terrifying] footage: the river dam gave way [overnight|this morning] and floodwater is [pouring|rushing] into the valley.
en: Thousands [evacuated|forced from their homes] after the dam [burst|broke] and flooded the [valley|lowlands].
en: [Rescue teams|Emergency crews] are [searching|pulling people from] flooded houses after the dam failure.
en+: Engineers had warned about cracks in the dam for months.
en+: Roads and bridges downstream are [gone|washed away].
es: La presa del valle se ha [roto|derrumbado] y [los pueblos|barrios enteros] están bajo el agua.
es: Imágenes [impactantes|terribles]: la presa cedió [de madrugada|esta mañana] y el agua [inunda|arrasa] el valle.
es: Miles de personas [evacuadas|han tenido que dejar sus casas] tras la rotura de la presa.
es: Los [equipos de rescate|bomberos] buscan a vecinos atrapados en las casas inundadas por la presa.
es+: Los ingenieros llevaban meses avisando de grietas en la presa.
es+: Los puentes río abajo han sido [arrasados|destruidos].
es#: presarota
zh: 山谷上游的大坝[决堤|垮塌]了，[村庄|整个镇子]都被洪水淹没。
zh: [震惊|可怕]的画面：大坝[昨夜|今天早上]溃决，洪水[涌入|冲进]山谷。
zh: 大坝[决口|溃坝]后，数千名居民被[紧急疏散|迫离家园]。
zh: [救援队|消防员]正在被洪水淹没的房屋里搜救被困居民。
zh+: 工程师几个月前就警告过大坝有裂缝。
zh+: 下游的道路和桥梁都被冲毁了。
zh#: 大坝决堤
ar: [انهار|انفجر] السد فوق الوادي و[القرى|بلدات بأكملها] غارقة تحت المياه.
ar: مشاهد [صادمة|مرعبة]: انهار السد [ليلاً|هذا الصباح] ومياه الفيضان تتدفق إلى الوادي.
ar: إجلاء الآلاف من منازلهم بعد [انهيار|انفجار] السد وغرق الوادي.
ar: فرق الإنقاذ تبحث عن العالقين في المنازل التي غمرتها المياه بعد انهيار السد.
ar+: حذر المهندسون من تشققات في السد منذ أشهر.
ar+: الطرق والجسور أسفل النهر جرفتها المياه.
ar#: انهيار_السد
ru: Плотину над долиной [прорвало|разрушило], и [деревни|целые посёлки] ушли под воду.
ru: [Шокирующие|Страшные] кадры: плотина не выдержала [ночью|сегодня утром], вода [хлынула|несётся] в долину.
ru: Тысячи людей [эвакуированы|покинули дома] после прорыва плотины.
ru: [Спасатели|Экстренные службы] ищут людей в затопленных домах после прорыва плотины.
ru+: Инженеры месяцами предупреждали о трещинах в плотине.
ru+: Дороги и мосты ниже по течению смыло.
ru#: прорывдамбы
fr: Le barrage au-dessus de la vallée [a cédé|s'est effondré] et [les villages|des quartiers entiers] sont sous l'eau.
fr: Images [choquantes|terrifiantes] : le barrage a lâché [cette nuit|ce matin] et l'eau [déferle|se déverse] dans la vallée.
fr: Des milliers de personnes [évacuées|chassées de chez elles] après la rupture du barrage.
fr: Les [secouristes|pompiers] fouillent les maisons inondées après la rupture du barrage.
fr+: Les ingénieurs alertaient sur des fissures depuis des mois.
fr+: Les routes et les ponts en aval ont été emportés.
fr#: rupturedubarrage
de: Der Staudamm oberhalb des Tals ist [gebrochen|eingestürzt] und [Dörfer|ganze Ortschaften] stehen unter Wasser.
de: [Schockierende|Erschreckende] Bilder: Der Damm hat [in der Nacht|heute Morgen] nachgegeben, das Wasser [strömt|schießt] ins Tal.
de: Tausende Menschen [evakuiert|mussten ihre Häuser verlassen] nach dem Dammbruch.
de: [Rettungskräfte|Feuerwehrleute] suchen nach dem Dammbruch in überfluteten Häusern nach Eingeschlossenen.
de+: Ingenieure hatten seit Monaten vor Rissen im Damm gewarnt.
de+: Straßen und Brücken flussabwärts wurden weggespült.
de#: dammbruch
ja: 谷の上流のダムが[決壊し|崩壊し]、[村|町全体]が水没しています。
ja: [衝撃|恐ろしい]映像：ダムが[夜中に|今朝]決壊し、濁流が谷に流れ込んでいます。
ja: ダムの決壊で数千人が[避難|家を追われる事態に]。
ja: [救助隊|消防隊]がダム決壊で浸水した家屋で取り残された人を捜索しています。
ja+: 技術者は何か月も前からダムのひび割れを警告していた。
ja+: 下流の道路や橋は流されてしまった。
ja#: ダム決壊
""",
    },
    "n02": {
        "label": "vaccine rumour: the new vaccine secretly makes people infertile",
        "tags": ("vaccinetruth", "vaccine"),
        "domains": ("healthfreedom-report.com", "natural-immunity.net"),
        "text": """
en: They are not telling you that the new vaccine [causes infertility|makes women infertile]. [Wake up|Do your research].
en: A [nurse|doctor] just admitted the new vaccine [damages fertility|can leave people unable to have children].
en: The vaccine [trial data|leaked documents] show [fertility problems|infertility] they [hid|covered up] from the public.
en: Why is nobody [talking about|investigating] the infertility cases after the new vaccine?
en+: Big Pharma knows and stays silent.
en+: Do not let them inject your children.
es: No te cuentan que la nueva vacuna [causa infertilidad|deja estériles a las mujeres]. [Despierta|Infórmate].
es: Una [enfermera|doctora] acaba de admitir que la nueva vacuna [daña la fertilidad|puede impedir tener hijos].
es: Los [datos del ensayo|documentos filtrados] de la vacuna muestran casos de infertilidad que [ocultaron|taparon].
es: ¿Por qué nadie [habla de|investiga] los casos de infertilidad tras la nueva vacuna?
es+: Las farmacéuticas lo saben y callan.
es+: No dejes que vacunen a tus hijos.
es#: vacunaesterilidad
zh: 他们不会告诉你，新疫苗[会导致不孕|让女性无法生育]。[醒醒吧|自己去查查]。
zh: 一位[护士|医生]刚刚承认，新疫苗[会损害生育能力|可能让人生不了孩子]。
zh: 疫苗[试验数据|泄露的文件]显示存在被[隐瞒|掩盖]的不孕问题。
zh: 为什么没有人[讨论|调查]接种新疫苗后出现的不孕病例？
zh+: 大药厂心知肚明却一言不发。
zh+: 别让他们给你的孩子打针。
zh#: 疫苗不孕
ar: لا يخبرونك أن اللقاح الجديد [يسبب العقم|يجعل النساء عاقرات]. [استيقظوا|ابحثوا بأنفسكم].
ar: [ممرضة|طبيبة] اعترفت للتو بأن اللقاح الجديد [يضر بالخصوبة|قد يمنع الإنجاب].
ar: [بيانات التجارب|الوثائق المسربة] تكشف حالات عقم [أخفوها|تستروا عليها] بعد اللقاح الجديد.
ar: لماذا لا أحد [يتحدث عن|يحقق في] حالات العقم بعد اللقاح الجديد؟
ar+: شركات الأدوية تعرف وتصمت.
ar+: لا تسمحوا لهم بتطعيم أطفالكم.
ar#: اللقاح_والعقم
ru: Вам не говорят, что новая вакцина [вызывает бесплодие|делает женщин бесплодными]. [Проснитесь|Разберитесь сами].
ru: [Медсестра|Врач] только что признала, что новая вакцина [вредит фертильности|может лишить людей детей].
ru: [Данные испытаний|Утёкшие документы] вакцины показывают случаи бесплодия, которые [скрыли|замяли].
ru: Почему никто не [говорит о|расследует] случаи бесплодия после новой вакцины?
ru+: Фармкомпании всё знают и молчат.
ru+: Не дайте им колоть ваших детей.
ru#: вакцинаибесплодие
fr: On ne vous dit pas que le nouveau vaccin [rend stérile|provoque l'infertilité]. [Réveillez-vous|Renseignez-vous].
fr: Une [infirmière|médecin] vient d'avouer que le nouveau vaccin [nuit à la fertilité|peut empêcher d'avoir des enfants].
fr: Les [données des essais|documents qui ont fuité] montrent des cas d'infertilité [cachés|étouffés] au public.
fr: Pourquoi personne [ne parle des|n'enquête sur les] cas d'infertilité après le nouveau vaccin ?
fr+: Les labos savent et se taisent.
fr+: Ne les laissez pas piquer vos enfants.
fr#: vaccinstérilité
de: Man verschweigt euch, dass der neue Impfstoff [unfruchtbar macht|Unfruchtbarkeit verursacht]. [Wacht auf|Informiert euch selbst].
de: Eine [Krankenschwester|Ärztin] hat gerade zugegeben, dass der neue Impfstoff [die Fruchtbarkeit schädigt|Kinderlosigkeit verursachen kann].
de: [Studiendaten|Geleakte Dokumente] zum Impfstoff zeigen Fälle von Unfruchtbarkeit, die [vertuscht|verheimlicht] wurden.
de: Warum [spricht|ermittelt] niemand über die Fälle von Unfruchtbarkeit nach dem neuen Impfstoff?
de+: Die Pharmakonzerne wissen es und schweigen.
de+: Lasst sie eure Kinder nicht impfen.
de#: impfschaden
ja: 新しいワクチンが[不妊の原因になる|女性を不妊にする]ことは報道されない。[目を覚まして|自分で調べて]。
ja: [看護師|医師]が、新しいワクチンは[生殖能力を損なう|子どもを持てなくなる恐れがある]と認めた。
ja: ワクチンの[治験データ|流出文書]には[隠された|もみ消された]不妊の症例が載っている。
ja: 新しいワクチンの接種後の不妊の症例をなぜ誰も[取り上げない|調べない]のか。
ja+: 製薬会社は知っていて黙っている。
ja+: 子どもに打たせてはいけない。
ja#: ワクチン不妊
""",
    },
    "n03": {
        "label": "transit strike paralyses the metro",
        "tags": ("transitstrike", "metro"),
        "domains": ("citymetro-news.com", "commuterdaily.net"),
        "text": """
en: The [metro|subway] and bus drivers are on strike [again|today], and [commuters|thousands of people] are stranded.
en: No trains, no buses: the transit strike [has paralysed|is crippling] the city this [morning|week].
en: [Stuck|Stranded] at the station for an hour because of the transit strike. [Unbelievable|Great].
en: Transit workers [walked out|went on strike] over pay, and the [metro|rail network] is shut down.
en+: The union says the strike will continue until Friday.
en+: Taxis and bikes are sold out everywhere.
es: Los conductores de [metro|autobús] están en huelga [otra vez|hoy] y [los viajeros|miles de personas] se han quedado tirados.
es: Sin trenes ni autobuses: la huelga del transporte [paraliza|colapsa] la ciudad esta [mañana|semana].
es: Una hora [atrapado|esperando] en la estación por la huelga de transporte. [Increíble|Genial].
es: Los trabajadores del transporte [se declararon en huelga|pararon] por los salarios y el metro está cerrado.
es+: El sindicato dice que la huelga seguirá hasta el viernes.
es+: No queda ni un taxi libre.
es#: huelgametro
zh: [地铁|公交]司机[又|今天]罢工了，[通勤者|成千上万的人]被困在路上。
zh: 没有地铁也没有公交：交通罢工让整座城市[瘫痪|陷入混乱]。
zh: 因为交通罢工在车站[困|等]了一个小时，[简直不敢相信|真是太好了]。
zh: 交通工人因工资问题[罢工|停工]，[地铁|铁路网]全部停运。
zh+: 工会表示罢工将持续到周五。
zh+: 到处都打不到出租车。
zh#: 地铁罢工
ar: سائقو [المترو|الحافلات] في إضراب [مجدداً|اليوم] و[الركاب|آلاف الناس] عالقون.
ar: لا قطارات ولا حافلات: إضراب النقل [يشل|يعطل] المدينة هذا [الصباح|الأسبوع].
ar: [عالق|أنتظر] في المحطة منذ ساعة بسبب إضراب النقل. [لا يصدق|رائع].
ar: عمال النقل [أضربوا|توقفوا عن العمل] بسبب الأجور والمترو مغلق.
ar+: النقابة تقول إن الإضراب سيستمر حتى الجمعة.
ar+: لا توجد سيارة أجرة واحدة متاحة.
ar#: إضراب_المترو
ru: Водители [метро|автобусов] [снова|сегодня] бастуют, и [пассажиры|тысячи людей] застряли.
ru: Ни поездов, ни автобусов: забастовка транспортников [парализовала|остановила] город этим [утром|на неделе].
ru: Час [стою|торчу] на станции из-за забастовки транспорта. [Невероятно|Отлично].
ru: Работники транспорта [объявили забастовку|вышли на забастовку] из-за зарплат, метро закрыто.
ru+: Профсоюз говорит, что забастовка продлится до пятницы.
ru+: Такси нигде не найти.
ru#: забастовкаметро
fr: Les conducteurs de [métro|bus] sont [encore|aujourd'hui] en grève et [les usagers|des milliers de gens] sont bloqués.
fr: Ni métro ni bus : la grève des transports [paralyse|bloque] la ville ce [matin|cette semaine].
fr: Une heure [coincé|à attendre] à la station à cause de la grève des transports. [Incroyable|Génial].
fr: Les agents des transports [se sont mis en grève|ont cessé le travail] pour les salaires, le métro est fermé.
fr+: Le syndicat annonce une grève jusqu'à vendredi.
fr+: Plus un seul taxi de libre.
fr#: grèvedestransports
de: Die [U-Bahn-|Bus]fahrer streiken [schon wieder|heute] und [Pendler|Tausende Menschen] sitzen fest.
de: Keine Bahnen, keine Busse: Der Verkehrsstreik [legt|lähmt] die Stadt [heute Morgen|diese Woche] lahm.
de: Seit einer Stunde [stecke ich|warte ich] wegen des Verkehrsstreiks am Bahnhof fest. [Unglaublich|Super].
de: Die Beschäftigten im Nahverkehr [streiken|haben die Arbeit niedergelegt] wegen der Löhne, die U-Bahn steht still.
de+: Die Gewerkschaft sagt, der Streik dauert bis Freitag.
de+: Nirgends ist ein Taxi zu bekommen.
de#: verkehrsstreik
ja: [地下鉄|バス]の運転士が[また|今日]ストライキで、[通勤客|何千人もの人]が足止めされている。
ja: 電車もバスもない：交通ストで街全体が[まひ|混乱]している。
ja: 交通ストのせいで駅で1時間[足止め|待ちぼうけ]。[信じられない|最高だね]。
ja: 交通労働者が賃金をめぐって[ストに突入し|仕事を放棄し]、地下鉄は全面運休。
ja+: 組合はストは金曜日まで続くと言っている。
ja+: タクシーもどこにも捕まらない。
ja#: 交通スト
""",
    },
    "n04": {
        "label": "football final won on penalties",
        "tags": ("championsfinal", "football"),
        "domains": ("goalzone-sports.com", "matchday.net"),
        "text": """
en: What a final! [They won it|The cup is ours] on penalties after [a 2-2 draw|extra time].
en: [Incredible|Unreal] scenes as the keeper saves the last penalty and wins the [final|championship].
en: The football final [went to penalties|was decided from the spot] and the underdogs [lifted the trophy|won the cup].
en: [Still shaking|Can't breathe] after that penalty shootout in the final. [Champions|What a team]!
en+: The stadium is going crazy.
en+: Best match of the season, no contest.
es: ¡Qué final! [Ganamos|La copa es nuestra] en los penaltis tras [empatar 2-2|la prórroga].
es: Escenas [increíbles|de locura]: el portero para el último penalti y gana la [final|copa].
es: La final se decidió [en los penaltis|desde el punto de penalti] y el equipo pequeño [levantó el trofeo|ganó la copa].
es: [Todavía temblando|Sin aliento] después de esa tanda de penaltis en la final. ¡[Campeones|Qué equipo]!
es+: El estadio se ha vuelto loco.
es+: El mejor partido de la temporada.
es#: campeones
zh: 多么精彩的决赛！[点球大战|加时赛后]我们[赢了|捧起了奖杯]。
zh: [难以置信|太疯狂了]：门将扑出最后一个点球，赢得了[决赛|冠军]。
zh: 足球决赛[进入点球大战|靠点球决出胜负]，黑马球队[捧起了奖杯|夺得了冠军]。
zh: 看完决赛的点球大战[还在发抖|喘不过气来]。[冠军|这支球队太棒了]！
zh+: 整个球场都沸腾了。
zh+: 本赛季最精彩的比赛。
zh#: 足球决赛
ar: يا لها من مباراة نهائية! [فزنا|الكأس لنا] بركلات الترجيح بعد [التعادل 2-2|الوقت الإضافي].
ar: مشاهد [لا تصدق|جنونية]: الحارس يصد الركلة الأخيرة ويفوز [بالنهائي|بالبطولة].
ar: حُسم نهائي كرة القدم [بركلات الترجيح|من نقطة الجزاء] والفريق الأضعف [رفع الكأس|توج باللقب].
ar: [ما زلت أرتجف|لا أستطيع التنفس] بعد ركلات الترجيح في النهائي. [أبطال|يا له من فريق]!
ar+: الملعب يشتعل حماساً.
ar+: أفضل مباراة في الموسم.
ar#: نهائي_الكأس
ru: Какой финал! [Мы победили|Кубок наш] по пенальти после [ничьей 2:2|дополнительного времени].
ru: [Невероятные|Безумные] кадры: вратарь отражает последний пенальти и выигрывает [финал|чемпионат].
ru: Футбольный финал [дошёл до пенальти|решился в серии пенальти], и аутсайдер [поднял трофей|выиграл кубок].
ru: [До сих пор трясёт|Не могу отдышаться] после серии пенальти в финале. [Чемпионы|Какая команда]!
ru+: Стадион сходит с ума.
ru+: Лучший матч сезона.
ru#: финалкубка
fr: Quelle finale ! [On l'a gagnée|La coupe est à nous] aux tirs au but après [un 2-2|la prolongation].
fr: Scènes [incroyables|de folie] : le gardien arrête le dernier penalty et remporte la [finale|coupe].
fr: La finale s'est jouée [aux tirs au but|aux penalties] et le petit poucet [a soulevé le trophée|a gagné la coupe].
fr: [Je tremble encore|J'en ai le souffle coupé] après cette séance de tirs au but en finale. [Champions|Quelle équipe] !
fr+: Le stade est en feu.
fr+: Le meilleur match de la saison.
fr#: finale
de: Was für ein Finale! [Wir haben es|Der Pokal ist unser,] im Elfmeterschießen nach [einem 2:2|Verlängerung] gewonnen.
de: [Unglaubliche|Wahnsinnige] Szenen: Der Torwart hält den letzten Elfmeter und gewinnt das [Finale|Turnier].
de: Das Fußballfinale [ging ins Elfmeterschießen|wurde vom Punkt entschieden] und der Außenseiter [holte den Pokal|gewann den Titel].
de: [Ich zittere immer noch|Mir fehlt die Luft] nach dem Elfmeterschießen im Finale. [Meister|Was für ein Team]!
de+: Das Stadion tobt.
de+: Das beste Spiel der Saison.
de#: pokalfinale
ja: なんという決勝戦！[2対2の引き分け|延長戦]の末、PK戦で[勝った|優勝した]。
ja: [信じられない|とんでもない]光景：GKが最後のPKを止めて[決勝|優勝]を決めた。
ja: サッカーの決勝は[PK戦にもつれ込み|PKで決着し]、格下のチームが[トロフィーを掲げた|優勝した]。
ja: 決勝のPK戦を見て[まだ震えている|息ができない]。[チャンピオン|最高のチーム]だ！
ja+: スタジアムは熱狂の渦だ。
ja+: 今シーズン最高の試合だった。
ja#: サッカー決勝
""",
    },
    "n05": {
        "label": "election fraud claim: ballots destroyed and machines rigged",
        "tags": ("electionfraud", "stopthesteal", "riggedelection", "countthevotes", "auditnow"),
        "domains": ("patriot-ballotwatch.com", "truthvote.net"),
        "text": """
en: The election was [stolen|rigged]: [thousands of ballots|whole boxes of ballots] were [destroyed|thrown away] before the count.
en: [Proof|New evidence] that the voting machines [flipped votes|were rigged] in the election. [Share before they delete it|Spread this].
en: Poll workers were [caught|filmed] [shredding|dumping] ballots, and the media says nothing about the election fraud.
en: [We will not accept|Nobody should accept] this rigged election result. The count was a fraud.
en+: Demand a full recount now.
en+: The officials are in on it.
es: Las elecciones fueron [robadas|amañadas]: [miles de papeletas|urnas enteras] fueron [destruidas|tiradas] antes del recuento.
es: [Pruebas|Nuevas pruebas] de que las máquinas de votación [cambiaron votos|estaban trucadas]. [Compártelo antes de que lo borren|Difúndelo].
es: Grabaron a miembros de mesa [triturando|tirando] papeletas y los medios callan sobre el fraude electoral.
es: [No aceptaremos|Nadie debería aceptar] este resultado amañado. El recuento fue un fraude.
es+: Exigimos un recuento completo ya.
es+: Las autoridades están metidas en esto.
es#: fraudeelectoral
zh: 这次选举被[偷走了|操纵了]：[成千上万张选票|整箱选票]在计票前被[销毁|扔掉]。
zh: [证据|新证据]表明投票机[篡改了选票|被动了手脚]。[趁还没被删赶紧转发|扩散]。
zh: 有人[拍到|发现]选务人员[销毁|丢弃]选票，媒体却对选举舞弊只字不提。
zh: [我们不会接受|没人应该接受]这个被操纵的选举结果，计票就是一场骗局。
zh+: 立即要求全面重新计票。
zh+: 官员们都是同谋。
zh#: 选举舞弊
ar: [سُرقت|زُوّرت] الانتخابات: [آلاف بطاقات الاقتراع|صناديق كاملة] [أُتلفت|رُميت] قبل الفرز.
ar: [دليل|أدلة جديدة] على أن آلات التصويت [غيّرت الأصوات|تم التلاعب بها]. [انشروا قبل الحذف|انشروها].
ar: تم [تصوير|ضبط] موظفين [يمزقون|يرمون] بطاقات الاقتراع والإعلام صامت عن تزوير الانتخابات.
ar: [لن نقبل|لا أحد يجب أن يقبل] نتيجة هذه الانتخابات المزورة. الفرز كان احتيالاً.
ar+: نطالب بإعادة فرز كاملة الآن.
ar+: المسؤولون متورطون.
ar#: تزوير_الانتخابات
ru: Выборы [украли|сфальсифицировали]: [тысячи бюллетеней|целые урны] [уничтожили|выбросили] до подсчёта.
ru: [Доказательства|Новые доказательства] того, что машины для голосования [подменяли голоса|были взломаны]. [Репостните, пока не удалили|Распространите].
ru: Членов комиссии [сняли на видео|поймали], когда они [уничтожали|выбрасывали] бюллетени, а СМИ молчат о фальсификации.
ru: [Мы не примем|Никто не должен принимать] итоги этих сфальсифицированных выборов. Подсчёт был обманом.
ru+: Требуем полного пересчёта немедленно.
ru+: Чиновники в сговоре.
ru#: фальсификациивыборов
fr: L'élection a été [volée|truquée] : [des milliers de bulletins|des urnes entières] ont été [détruits|jetés] avant le dépouillement.
fr: [La preuve|De nouvelles preuves] que les machines de vote [ont inversé des voix|étaient truquées]. [Partagez avant suppression|Faites tourner].
fr: Des assesseurs ont été [filmés|surpris] en train de [déchiqueter|jeter] des bulletins, et les médias se taisent sur la fraude électorale.
fr: [Nous n'accepterons pas|Personne ne doit accepter] ce résultat truqué. Le dépouillement était une fraude.
fr+: Exigeons un recomptage complet maintenant.
fr+: Les responsables sont complices.
fr#: fraudeélectorale
de: Die Wahl wurde [gestohlen|manipuliert]: [Tausende Stimmzettel|ganze Wahlurnen] wurden vor der Auszählung [vernichtet|weggeworfen].
de: [Beweis|Neue Beweise], dass die Wahlmaschinen [Stimmen vertauscht haben|manipuliert waren]. [Teilen, bevor es gelöscht wird|Verbreitet das].
de: Wahlhelfer wurden dabei [gefilmt|erwischt], wie sie Stimmzettel [schredderten|wegwarfen], und die Medien schweigen zum Wahlbetrug.
de: [Wir werden dieses|Niemand darf dieses] manipulierte Wahlergebnis [akzeptieren|hinnehmen]? Niemals. Die Auszählung war Betrug.
de+: Wir fordern sofort eine vollständige Neuauszählung.
de+: Die Behörden stecken mit drin.
de#: wahlbetrug
ja: 選挙は[盗まれた|不正に操作された]：開票前に[何千枚もの投票用紙|投票箱ごと]が[破棄|廃棄]された。
ja: 投票機が[票を書き換えていた|不正操作されていた][証拠|新たな証拠]。[消される前に拡散|シェアして]。
ja: 選挙スタッフが投票用紙を[シュレッダーにかける|捨てる]様子が[撮影された|見つかった]のに、メディアは選挙不正を報じない。
ja: この不正選挙の結果を[私たちは認めない|誰も認めるべきではない]。開票は詐欺だった。
ja+: 今すぐ全面的な再集計を求める。
ja+: 役人もグルだ。
ja#: 不正選挙
""",
    },
    "n06": {
        "label": "record heatwave overwhelms hospitals",
        "tags": ("heatwave", "extremeheat"),
        "domains": ("climatedesk-news.com", "weatherwatch.org"),
        "text": """
en: [Record|Unprecedented] heat: it hit 46 degrees today and hospitals are [overwhelmed|full] with heatstroke patients.
en: The heatwave [is not letting up|keeps breaking records], and [the elderly|older people] are dying in their flats.
en: [Hottest|Most brutal] day ever recorded here. The heatwave has [emergency rooms|hospitals] at breaking point.
en: Authorities [issued|declared] a red heat alert as the heatwave [scorches|bakes] the country for a [fifth|sixth] day.
en+: Stay indoors and drink water.
en+: No air conditioning in half the schools.
es: Calor [récord|sin precedentes]: hoy llegamos a 46 grados y los hospitales están [desbordados|llenos] de golpes de calor.
es: La ola de calor [no da tregua|sigue batiendo récords] y [los ancianos|las personas mayores] mueren en sus pisos.
es: El día [más caluroso|más brutal] jamás registrado aquí. La ola de calor tiene las urgencias al límite.
es: Las autoridades [emitieron|declararon] la alerta roja por calor en el [quinto|sexto] día de la ola de calor.
es+: Quedaos en casa y bebed agua.
es+: La mitad de los colegios no tiene aire acondicionado.
es#: oladecalor
zh: [创纪录|史无前例]的高温：今天气温达到46度，医院里[挤满了|住满了]中暑病人。
zh: 热浪[丝毫没有减弱|不断打破纪录]，[老人|独居老人]在家中死去。
zh: 这里有记录以来[最热|最酷热]的一天，热浪让[急诊室|医院]不堪重负。
zh: 热浪连续第[五|六]天炙烤全国，当局[发布|宣布]高温红色预警。
zh+: 请待在室内多喝水。
zh+: 一半的学校没有空调。
zh#: 高温热浪
ar: حرارة [قياسية|غير مسبوقة]: وصلت اليوم إلى 46 درجة والمستشفيات [مكتظة|ممتلئة] بمرضى ضربات الشمس.
ar: موجة الحر [لا تهدأ|تواصل تحطيم الأرقام] و[كبار السن|المسنون] يموتون في شققهم.
ar: [أشد|أقسى] يوم حرارة مسجل هنا. موجة الحر أوصلت المستشفيات إلى حافة الانهيار.
ar: السلطات [أصدرت|أعلنت] إنذاراً أحمر مع استمرار موجة الحر لليوم [الخامس|السادس].
ar+: ابقوا في منازلكم واشربوا الماء.
ar+: نصف المدارس بلا تكييف.
ar#: موجة_حر
ru: [Рекордная|Небывалая] жара: сегодня 46 градусов, больницы [переполнены|забиты] людьми с тепловым ударом.
ru: Жара [не отступает|бьёт рекорды], и [пожилые люди|старики] умирают в своих квартирах.
ru: [Самый жаркий|Самый тяжёлый] день за всю историю наблюдений. Из-за жары больницы на пределе.
ru: Власти [объявили|ввели] красный уровень опасности: жара [пятый|шестой] день подряд.
ru+: Оставайтесь дома и пейте воду.
ru+: В половине школ нет кондиционеров.
ru#: аномальнаяжара
fr: Chaleur [record|inédite] : 46 degrés aujourd'hui et les hôpitaux sont [débordés|saturés] de coups de chaleur.
fr: La canicule [ne faiblit pas|bat record sur record] et [les personnes âgées|nos aînés] meurent dans leurs appartements.
fr: Journée la [plus chaude|plus étouffante] jamais enregistrée ici. La canicule met les urgences à bout.
fr: Les autorités ont [déclenché|décrété] la vigilance rouge canicule pour le [cinquième|sixième] jour.
fr+: Restez au frais et buvez de l'eau.
fr+: Pas de climatisation dans la moitié des écoles.
fr#: canicule
de: [Rekord|Beispiellose]hitze: Heute 46 Grad, und die Krankenhäuser sind [überlastet|voll] mit Hitzschlag-Patienten.
de: Die Hitzewelle [lässt nicht nach|bricht weiter Rekorde], und [ältere Menschen|Senioren] sterben in ihren Wohnungen.
de: Der [heißeste|brutalste] Tag seit Beginn der Aufzeichnungen. Die Hitzewelle bringt die Notaufnahmen an ihre Grenzen.
de: Die Behörden [riefen|verhängten] die höchste Hitzewarnstufe aus, die Hitzewelle dauert schon den [fünften|sechsten] Tag.
de+: Bleibt drinnen und trinkt Wasser.
de+: Die Hälfte der Schulen hat keine Klimaanlage.
de#: hitzewelle
ja: [記録的な|前例のない]暑さ：今日は46度に達し、病院は熱中症患者で[あふれている|満床だ]。
ja: 熱波は[収まる気配がなく|記録を更新し続け]、[高齢者|お年寄り]が自宅で亡くなっている。
ja: 観測史上[最も暑い|最も過酷な]一日。熱波で救急外来は限界だ。
ja: 熱波が[5|6]日目に入り、当局は最高レベルの熱中症警報を[発令した|出した]。
ja+: 屋内にいて水を飲んでください。
ja+: 半分の学校にエアコンがない。
ja#: 熱波
""",
    },
}
