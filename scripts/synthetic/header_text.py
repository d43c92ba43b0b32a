"""Word material for make_synthetic_headers.py: names, affiliations and abstract sentences.

All prose here was written for this generator. An abstract is built from one topic of a field:
two or three sentences from each of B (background), M (methods), R (results) and C
(conclusions), with the topic's slots filled in ({slot}, or {slot_cap} capitalised) and the
numbers {n} {p} {lo} {hi} {k} {t} {y1} {y2} drawn at random. I holds extra sentences for the
Introduction; T holds title patterns: T[0] has a subtitle after a colon, T[1] is long, T[2] short.
"""

# (given, family): accents, particles, hyphenated given names, initials, East/South Asian names
NAMES = [
    ("Sofia", "Lindqvist"),
    ("Mateo", "Fernández"),
    ("Amélie", "Durand"),
    ("Jürgen", "Müller"),
    ("Søren", "Østergaard"),
    ("François", "Lefèvre"),
    ("Çağla", "Yılmaz"),
    ("Zoë", "Harrington"),
    ("Lucas", "van der Berg"),
    ("María", "de la Fuente"),
    ("Friedrich", "von Hallberg"),
    ("Pieter", "de Vries"),
    ("Anna", "van den Heuvel"),
    ("Luca", "Di Stefano"),
    ("Jean-Luc", "Moreau"),
    ("Anne-Marie", "Fontaine"),
    ("Hans-Peter", "Schäfer"),
    ("Ji-woo", "Park"),
    ("Min-jun", "Kim"),
    ("Seo-yeon", "Choi"),
    ("Dong-hyun", "Lee"),
    ("J. R. R.", "Okafor"),
    ("A. K.", "Sharma"),
    ("M. E.", "Thompson"),
    ("Wei", "Zhang"),
    ("Xiaoming", "Li"),
    ("Yuxuan", "Chen"),
    ("Haoran", "Wang"),
    ("Lin", "Zhou"),
    ("Jing", "Liu"),
    ("Priya", "Raghunathan"),
    ("Venkatesh", "Subramanian"),
    ("Ananya", "Iyer"),
    ("Rohit", "Deshpande"),
    ("Oluwaseun", "Adeyemi"),
    ("Kwame", "Mensah"),
    ("Aroha", "Ngata"),
    ("Tomasz", "Wiśniewski"),
    ("Ewa", "Kowalczyk"),
    ("Giulia", "Romano"),
    ("Ingrid", "Bjørnstad"),
    ("Nikolai", "Petrov"),
    ("Yuki", "Tanaka"),
    ("Hiroshi", "Sato"),
    ("Camila", "Rodrigues"),
    ("João", "Gonçalves"),
    ("Leïla", "Benali"),
    ("Björn", "Ågren"),
    ("Mikko", "Häkkinen"),
    ("Rachel", "Goldberg"),
    ("David", "O'Connor"),
    ("Emily", "Clarke"),
    ("Samuel", "Okonkwo"),
    ("Fatima", "Al-Harbi"),
    ("Omar", "El-Sayed"),
    ("Chloé", "Marchand"),
    ("Élodie", "Garnier"),
    ("Andrés", "Villanueva"),
    ("Lucía", "Herrera"),
    ("Noah", "Whitfield"),
    ("Hannah", "Becker"),
    ("Matthias", "Krüger"),
    ("Thandiwe", "Nkosi"),
    ("Arjun", "Mehta"),
    ("Sung-min", "Yoon"),
    ("Ramón", "Castillo"),
    ("Ayşe", "Demir"),
    ("Kateřina", "Nováková"),
    ("Paul", "Brennan"),
]

# (department, institution, city, postcode, country, e-mail domain) by field
AFFS = {
    "medicine": [
        (
            "Department of Public Health",
            "University of Porto",
            "Porto",
            "4050-600",
            "Portugal",
            "up.pt",
        ),
        (
            "Division of Infectious Diseases",
            "Karolinska Institutet",
            "Stockholm",
            "171 77",
            "Sweden",
            "ki.se",
        ),
        (
            "Graduate School of Medicine",
            "Kyoto University",
            "Kyoto",
            "606-8501",
            "Japan",
            "kyoto-u.ac.jp",
        ),
        (
            "Faculdade de Medicina",
            "Universidade de São Paulo",
            "São Paulo",
            "01246-903",
            "Brazil",
            "usp.br",
        ),
        (
            "Department of Psychiatry and Mental Health",
            "University of Cape Town",
            "Cape Town",
            "7925",
            "South Africa",
            "uct.ac.za",
        ),
        ("", "Institut Pasteur", "Paris", "75015", "France", "pasteur.fr"),
        (
            "Nuffield Department of Population Health",
            "University of Oxford",
            "Oxford",
            "OX3 7LF",
            "United Kingdom",
            "ox.ac.uk",
        ),
    ],
    "biology": [
        (
            "Department of Biology",
            "University of Copenhagen",
            "Copenhagen",
            "2100",
            "Denmark",
            "bio.ku.dk",
        ),
        (
            "",
            "Max Planck Institute for Evolutionary Biology",
            "Plön",
            "24306",
            "Germany",
            "evolbio.mpg.de",
        ),
        (
            "School of Life Sciences",
            "Peking University",
            "Beijing",
            "100871",
            "China",
            "pku.edu.cn",
        ),
        (
            "Department of Ecology and Evolutionary Biology",
            "Princeton University",
            "Princeton",
            "NJ 08544",
            "USA",
            "princeton.edu",
        ),
        (
            "Centro de Biología Molecular Severo Ochoa",
            "CSIC-UAM",
            "Madrid",
            "28049",
            "Spain",
            "cbm.csic.es",
        ),
        (
            "Department of Zoology",
            "University of Otago",
            "Dunedin",
            "9054",
            "New Zealand",
            "otago.ac.nz",
        ),
    ],
    "physics": [
        ("Department of Physics", "University of Oslo", "Oslo", "0316", "Norway", "fys.uio.no"),
        (
            "Institut für Theoretische Physik",
            "Universität Heidelberg",
            "Heidelberg",
            "69120",
            "Germany",
            "thphys.uni-heidelberg.de",
        ),
        (
            "Laboratoire de Physique",
            "École Normale Supérieure",
            "Paris",
            "75005",
            "France",
            "phys.ens.fr",
        ),
        (
            "Department of Physics and Astronomy",
            "Seoul National University",
            "Seoul",
            "08826",
            "Korea",
            "snu.ac.kr",
        ),
        (
            "",
            "Niels Bohr Institute, University of Copenhagen",
            "Copenhagen",
            "2100",
            "Denmark",
            "nbi.ku.dk",
        ),
        (
            "Department of Physics",
            "Indian Institute of Science",
            "Bengaluru",
            "560012",
            "India",
            "iisc.ac.in",
        ),
        (
            "Cavendish Laboratory",
            "University of Cambridge",
            "Cambridge",
            "CB3 0HE",
            "United Kingdom",
            "cam.ac.uk",
        ),
        (
            "Department of Physics",
            "Boğaziçi University",
            "Istanbul",
            "34342",
            "Turkey",
            "boun.edu.tr",
        ),
    ],
    "astro": [
        (
            "Institute of Astronomy",
            "University of Cambridge",
            "Cambridge",
            "CB3 0HA",
            "United Kingdom",
            "ast.cam.ac.uk",
        ),
        (
            "",
            "Leiden Observatory, Leiden University",
            "Leiden",
            "2300 RA",
            "the Netherlands",
            "strw.leidenuniv.nl",
        ),
        ("Instituto de Astrofísica de Canarias", "", "La Laguna", "38205", "Spain", "iac.es"),
        (
            "Research School of Astronomy and Astrophysics",
            "Australian National University",
            "Canberra",
            "ACT 2611",
            "Australia",
            "anu.edu.au",
        ),
        (
            "Kavli Institute for Astronomy and Astrophysics",
            "Peking University",
            "Beijing",
            "100871",
            "China",
            "pku.edu.cn",
        ),
        (
            "Department of Astronomy",
            "University of Cape Town",
            "Cape Town",
            "7701",
            "South Africa",
            "uct.ac.za",
        ),
    ],
    "economics": [
        (
            "Department of Economics",
            "Stockholm School of Economics",
            "Stockholm",
            "113 83",
            "Sweden",
            "hhs.se",
        ),
        (
            "Department of Economics",
            "Universidad Carlos III de Madrid",
            "Getafe",
            "28903",
            "Spain",
            "eco.uc3m.es",
        ),
        (
            "Research Department",
            "Deutsche Bundesbank",
            "Frankfurt am Main",
            "60431",
            "Germany",
            "bundesbank.de",
        ),
        ("School of Economics", "University of Nairobi", "Nairobi", "", "Kenya", "uonbi.ac.ke"),
        (
            "Department of Economics",
            "University of Toronto",
            "Toronto",
            "ON M5S 3G7",
            "Canada",
            "utoronto.ca",
        ),
        (
            "Centre for Development Studies",
            "Jawaharlal Nehru University",
            "New Delhi",
            "110067",
            "India",
            "jnu.ac.in",
        ),
        ("", "Paris School of Economics", "Paris", "75014", "France", "psemail.eu"),
    ],
    "cs": [
        (
            "Department of Computer Science",
            "ETH Zürich",
            "Zürich",
            "8092",
            "Switzerland",
            "inf.ethz.ch",
        ),
        ("School of Computing", "KAIST", "Daejeon", "34141", "Korea", "kaist.ac.kr"),
        (
            "Institute of Computing Technology",
            "Chinese Academy of Sciences",
            "Beijing",
            "100190",
            "China",
            "ict.ac.cn",
        ),
        (
            "Département d'informatique et de recherche opérationnelle",
            "Université de Montréal",
            "Montréal",
            "QC H3T 1J4",
            "Canada",
            "umontreal.ca",
        ),
        ("", "Google Research", "Mountain View", "CA 94043", "USA", "google.com"),
        (
            "Department of Electrical Engineering",
            "Indian Institute of Technology Bombay",
            "Mumbai",
            "400076",
            "India",
            "ee.iitb.ac.in",
        ),
        (
            "Department of Computer Science and Technology",
            "University of Cambridge",
            "Cambridge",
            "CB3 0FD",
            "United Kingdom",
            "cl.cam.ac.uk",
        ),
        (
            "Escuela de Ingeniería",
            "Pontificia Universidad Católica de Chile",
            "Santiago",
            "",
            "Chile",
            "uc.cl",
        ),
    ],
    "social": [
        (
            "Department of Sociology",
            "University of Cape Town",
            "Rondebosch",
            "7701",
            "South Africa",
            "uct.ac.za",
        ),
        (
            "School of Social and Political Science",
            "University of Edinburgh",
            "Edinburgh",
            "EH8 9LD",
            "United Kingdom",
            "ed.ac.uk",
        ),
        (
            "Department of Political Science",
            "University of Michigan",
            "Ann Arbor",
            "MI 48109",
            "USA",
            "umich.edu",
        ),
        ("Centre d'études européennes", "Sciences Po", "Paris", "75007", "France", "sciencespo.fr"),
        (
            "Department of Geography",
            "National University of Singapore",
            "Singapore",
            "117570",
            "Singapore",
            "nus.edu.sg",
        ),
        (
            "Facultad de Ciencias Sociales",
            "Universidad de Buenos Aires",
            "Buenos Aires",
            "",
            "Argentina",
            "sociales.uba.ar",
        ),
    ],
}

JOURNALS = {
    "medicine": "Annals of Community Medicine",
    "biology": "Journal of Developmental Genetics",
    "physics": "Quantum Materials Letters",
    "astro": "Monthly Notes in Astrophysics",
    "economics": "Review of Applied Economics",
    "cs": "Journal of Computing Systems",
    "social": "Comparative Social Research",
}

FIELDS = {
    "medicine": dict(
        topics=[
            dict(
                cond="type 2 diabetes",
                inter="nurse-led telemonitoring",
                pop="adults with poorly controlled type 2 diabetes",
                outcome="glycated haemoglobin",
                setting="twelve primary care practices in northern Portugal",
                design="pragmatic cluster-randomised trial",
                kw=["type 2 diabetes", "telemonitoring", "primary care", "nursing"],
            ),
            dict(
                cond="community-acquired pneumonia",
                inter="procalcitonin-guided antibiotic stewardship",
                pop="older adults admitted with pneumonia",
                outcome="days of antibiotic exposure",
                setting="four teaching hospitals in Sweden",
                design="stepped-wedge randomised trial",
                kw=["pneumonia", "procalcitonin", "antimicrobial stewardship", "older adults"],
            ),
            dict(
                cond="postpartum depression",
                inter="telephone-delivered peer support",
                pop="first-time mothers",
                outcome="depressive symptom scores",
                setting="three maternity units in Cape Town",
                design="parallel-group randomised controlled trial",
                kw=["postpartum depression", "peer support", "maternal mental health"],
            ),
        ],
        B=[
            "{cond_cap} places a heavy and growing burden on health systems, and {pop} are among "
            "the patients least well served by current care pathways.",
            "Although {inter} is widely recommended in clinical guidelines, robust evidence that "
            "it improves {outcome} outside specialist centres is scarce.",
            "Earlier studies of {inter} were small, short and frequently unblinded, which has left "
            "clinicians uncertain about its value in routine practice.",
        ],
        M=[
            "We conducted a {design} in {setting}, enrolling {n} {pop} between {y1} and {y2}.",
            "Participants were allocated to {inter} or to usual care and followed for {k} months; "
            "the primary outcome was the change in {outcome}.",
            "Secondary outcomes included unplanned hospital admissions, health-related quality of "
            "life and costs, and all analyses followed the intention-to-treat principle.",
        ],
        R=[
            "Compared with usual care, {inter} reduced {outcome} by {p}% (95% confidence "
            "interval {lo} to {hi}).",
            "The benefit was larger among participants with the poorest baseline status and "
            "persisted until the final follow-up visit.",
            "Serious adverse events were uncommon and occurred at similar rates in both groups.",
        ],
        C=[
            "{inter_cap} is a feasible and safe addition to routine care for {pop}, and its "
            "benefits appear large enough to justify wider implementation.",
            "Longer follow-up will be needed to establish whether these gains translate into "
            "fewer complications and lower mortality.",
        ],
        I=[
            "Over the past two decades the care of {cond} has moved from hospital clinics "
            "towards primary and community settings.",
            "Health services have responded with a variety of programmes, but few have been "
            "evaluated with the rigour that is expected of new medicines.",
        ],
        T=[
            "{inter_cap} for {pop}: a {design}",
            "Effect of {inter} on {outcome} among {pop} in {setting}: results of a {design}",
            "{inter_cap} and {outcome} in {cond}",
        ],
    ),
    "biology": dict(
        topics=[
            dict(
                org="zebrafish",
                proc="fin regeneration",
                gene="the transcription factor runx2b",
                tech="a CRISPR interference screen",
                tissue="the regenerating blastema",
                unit="candidate enhancers",
                kw=["regeneration", "zebrafish", "enhancers"],
            ),
            dict(
                org="honeybees",
                proc="the transition from nursing to foraging",
                gene="the neuropeptide gene tachykinin",
                tech="single-cell RNA sequencing",
                tissue="the mushroom bodies",
                unit="cells",
                kw=["social insects", "neuropeptides", "behavioural maturation"],
            ),
            dict(
                org="Arabidopsis plants",
                proc="root growth under phosphate starvation",
                gene="the peptide receptor CEPR1",
                tech="a genome-wide association study",
                tissue="the root meristem",
                unit="natural accessions",
                kw=["phosphate starvation", "root development", "GWAS", "peptide signalling"],
            ),
        ],
        B=[
            "How {org} coordinate {proc} with the state of the whole organism remains an open "
            "question in developmental and organismal biology.",
            "Previous work identified several signalling pathways involved in {proc}, but the "
            "regulators acting upstream of them are largely unknown.",
            "Gene regulatory networks controlling {proc} are thought to be shaped by regulatory "
            "elements that are difficult to identify with classical genetics.",
        ],
        M=[
            "Here we combined {tech} with live imaging to examine {proc} in {org}.",
            "We profiled {n} {unit} and quantified gene expression and chromatin accessibility in "
            "{tissue} at {k} time points.",
            "Candidate regulators were then tested by targeted mutagenesis and rescue experiments.",
        ],
        R=[
            "We found that {gene} is required for {proc} and that its loss delays the process by "
            "roughly {p}%.",
            "Expression of {gene} was restricted to a small population of cells in {tissue}, "
            "which expanded rapidly after stimulation.",
            "Rescue with an inducible transgene restored normal dynamics, confirming that the "
            "phenotype is specific.",
        ],
        C=[
            "Together, these results identify {gene} as a key node in the network that governs "
            "{proc} in {org}.",
            "Our data also provide a resource for studying the evolution of {proc} in related "
            "species.",
        ],
        I=[
            "Organisms differ widely in their capacity to adjust growth and behaviour to "
            "changing internal and external conditions.",
            "Advances in sequencing and genome editing now make it possible to dissect these "
            "responses at cellular resolution.",
        ],
        T=[
            "Genetic dissection of {proc} in {org}: a central role for {gene}",
            "Single-cell and genetic analyses reveal that {gene} controls {proc} in {tissue} of "
            "{org}",
            "{gene_cap} is required for {proc} in {org}",
        ],
    ),
    "physics": dict(
        topics=[
            dict(
                sys="twisted bilayer graphene",
                phen="correlated insulating states",
                probe="scanning tunnelling spectroscopy",
                param="the twist angle",
                model="a continuum model with Hartree-Fock interactions",
                unit="devices",
                kw=["moiré materials", "strong correlations", "graphene"],
            ),
            dict(
                sys="ultracold potassium atoms in an optical lattice",
                phen="many-body localization",
                probe="quantum gas microscopy",
                param="the disorder strength",
                model="exact diagonalization of a disordered Hubbard chain",
                unit="disorder realisations",
                kw=["ultracold atoms", "many-body localization", "optical lattices"],
            ),
            dict(
                sys="thin films of the kagome metal CsV3Sb5",
                phen="charge density wave order",
                probe="angle-resolved photoemission spectroscopy",
                param="the film thickness",
                model="density functional theory calculations",
                unit="samples",
                kw=["kagome lattice", "charge density wave", "ARPES", "thin films"],
            ),
        ],
        B=[
            "Over the past decade, experiments on {sys} have become a versatile route to "
            "studying {phen}.",
            "Despite intense experimental and theoretical effort, the microscopic origin of "
            "{phen} in {sys} remains under debate.",
            "A central difficulty is that the relevant energy scales depend sensitively on "
            "{param}, which is hard to control with sufficient precision.",
        ],
        M=[
            "Here we report measurements on {sys} using {probe}, combined with {model}.",
            "By varying {param} across {n} {unit}, we map the evolution of the relevant "
            "spectral features over a wide range of parameters.",
        ],
        R=[
            "We observe a clear change of behaviour at a critical value of {param} and a "
            "continuous evolution beyond it, with a characteristic energy scale of about {t} meV.",
            "The measured dependence agrees with {model} to within {p}% without adjustable "
            "parameters.",
            "In addition, we find signatures of a competing phase that has not been reported "
            "previously.",
        ],
        C=[
            "These findings place strong constraints on theories of {phen} and suggest routes to "
            "engineer it deliberately.",
            "Our approach can be extended to other layered and synthetic quantum materials.",
        ],
        I=[
            "Materials and engineered quantum systems in which interactions dominate over "
            "kinetic energy frequently display unexpected phases of matter.",
            "Controlled experiments on such systems are therefore an important benchmark for "
            "many-body theory.",
        ],
        T=[
            "{phen_cap} in {sys}: evidence from {probe}",
            "Tuning {phen} in {sys} by controlling {param}: a combined experimental and "
            "theoretical study",
            "{phen_cap} in {sys}",
        ],
    ),
    "astro": dict(
        topics=[
            dict(
                obj="nearby dwarf galaxies",
                phen="bursty star formation",
                probe="integral-field spectroscopy",
                param="stellar mass",
                model="cosmological zoom-in simulations",
                unit="galaxies",
                kw=["galaxies: dwarf", "galaxies: star formation", "galaxies: evolution"],
            ),
        ],
        B=[
            "The star formation histories of {obj} are expected to be dominated by {phen}, yet "
            "direct observational evidence remains limited.",
            "Feedback from massive stars can drive gas out of shallow potential wells, which "
            "makes {obj} sensitive laboratories for galaxy formation physics.",
        ],
        M=[
            "We present {probe} of {n} {obj} within 20 Mpc and compare the measured star "
            "formation indicators with {model}.",
            "Star formation rates averaged over 10 and 100 Myr are derived from H-alpha and "
            "ultraviolet emission for each spaxel.",
        ],
        R=[
            "The ratio of the two indicators varies by a factor of {k} between galaxies and "
            "correlates with {param}.",
            "Around {p}% of the sample shows evidence for a recent burst, in good agreement with "
            "the fraction predicted by {model}.",
        ],
        C=[
            "Our results support a picture in which {phen} is common in low-mass systems and "
            "must be accounted for when interpreting their integrated properties."
        ],
        I=[
            "Dwarf galaxies are the most abundant galaxies in the Universe and the building "
            "blocks of larger systems.",
            "Their shallow potential wells make them sensitive to the energy injected by stars "
            "and supernovae.",
        ],
        T=[
            "{phen_cap} in {obj}: constraints from {probe}",
            "How common is {phen} in {obj}? A comparison of {probe} with {model}",
            "{phen_cap} in {obj}",
        ],
    ),
    "economics": dict(
        topics=[
            dict(
                policy="minimum wage increases",
                mkt="local labour markets",
                agent="low-wage workers",
                outcome="employment and hours worked",
                data="administrative payroll records",
                region="Spanish provinces",
                kw=["minimum wage", "employment", "difference-in-differences"],
            ),
            dict(
                policy="mobile money services",
                mkt="rural credit markets",
                agent="smallholder farming households",
                outcome="consumption smoothing",
                data="a five-round household panel",
                region="Kenyan counties",
                kw=["mobile money", "risk sharing", "household finance", "Kenya"],
            ),
            dict(
                policy="forward guidance announcements",
                mkt="euro area bond markets",
                agent="professional forecasters",
                outcome="interest rate expectations",
                data="high-frequency yield data and survey forecasts",
                region="euro area member states",
                kw=["monetary policy", "forward guidance", "expectations"],
            ),
        ],
        B=[
            "{policy_cap} remain among the most debated interventions affecting {mkt}.",
            "Existing evidence on the effects of {policy} on {outcome} is mixed, partly because "
            "credible sources of variation are hard to find.",
        ],
        M=[
            "This paper exploits differences in the timing and intensity of exposure to {policy} "
            "across {region}.",
            "Using {data} covering {y1} to {y2}, we estimate event-study and "
            "difference-in-differences models.",
            "We complement the reduced-form estimates with a simple model of {agent} that "
            "rationalises the observed responses.",
        ],
        R=[
            "We find that {policy} raised {outcome} for {agent} by about {p}%, with no "
            "detectable effects on other groups.",
            "The effects build up gradually over the first {k} quarters and are concentrated in "
            "areas with weaker pre-existing institutions.",
            "Estimates are robust to alternative control groups, placebo tests and different "
            "treatments of migration.",
        ],
        C=[
            "Our results suggest that concerns about the adverse consequences of {policy} have "
            "been overstated.",
            "They also highlight the importance of local conditions for the design of economic "
            "policy.",
        ],
        I=[
            "Economists have long disagreed about how {mkt} respond to policy changes.",
            "The growing availability of granular data makes it possible to revisit these "
            "questions with more credible research designs.",
        ],
        T=[
            "{policy_cap} and {outcome}: evidence from {region}",
            "The effects of {policy} on {outcome} of {agent}: new evidence from {data} "
            "across {region}",
            "{policy_cap}, {agent} and {mkt}",
        ],
    ),
    "cs": dict(
        topics=[
            dict(
                task="code search",
                model="graph neural networks",
                data="a corpus of 1.2 million Python functions",
                metric="mean reciprocal rank",
                base="transformer-based retrieval models",
                sys="CodeGraph",
                kw=["code search", "graph neural networks", "software engineering"],
            ),
            dict(
                task="federated learning on mobile devices",
                model="adaptive gradient compression",
                data="three public image and speech benchmarks",
                metric="communication cost",
                base="existing compression schemes",
                sys="FedSqueeze",
                kw=["federated learning", "compression", "edge computing"],
            ),
            dict(
                task="query optimisation in distributed databases",
                model="learned cardinality estimators",
                data="the Join Order Benchmark and a production workload",
                metric="end-to-end query latency",
                base="the optimiser of a widely used open-source system",
                sys="CardNet",
                kw=["query optimisation", "cardinality estimation", "databases"],
            ),
        ],
        B=[
            "{task_cap} is a core problem in modern computing systems, yet existing approaches "
            "struggle to scale to realistic workloads.",
            "Recent work has applied {model} to {task}, but these methods are brittle when the "
            "input distribution shifts.",
            "Practitioners therefore still rely on hand-tuned heuristics whose behaviour is hard "
            "to predict.",
        ],
        M=[
            "In this paper we present {sys}, a system that uses {model} to address these "
            "limitations.",
            "{sys} combines a lightweight structural encoder with a calibration step that "
            "estimates its own uncertainty.",
            "We evaluate {sys} on {data} and compare it with {base}.",
        ],
        R=[
            "{sys} improves {metric} by {p}% on average while adding less than {k} milliseconds "
            "of overhead.",
            "Ablation experiments show that both components contribute to the gains and that the "
            "approach remains stable under distribution shift.",
        ],
        C=[
            "Our results indicate that {model} can be made practical for {task} when "
            "uncertainty is modelled explicitly.",
            "We release our implementation and evaluation scripts to support further research.",
        ],
        I=[
            "The amount of data processed by software systems continues to grow faster than the "
            "hardware that runs them.",
            "Machine learning offers a way to adapt system components to the data they actually "
            "see rather than to worst-case assumptions.",
        ],
        T=[
            "{sys}: {model} for {task}",
            "{sys}: making {model} practical and robust for {task} under realistic distribution "
            "shift",
            "Scaling {task} with {model}",
        ],
    ),
    "social": dict(
        topics=[
            dict(
                phen="remote work",
                outcome="civic participation",
                pop="urban professionals",
                ctx="three European metropolitan regions",
                method="a mixed-methods panel study",
                kw=["remote work", "civic participation", "urban sociology"],
            ),
            dict(
                phen="informal caregiving",
                outcome="women's labour force participation",
                pop="middle-aged women",
                ctx="South Africa and Argentina",
                method="a comparative analysis of national time-use surveys",
                kw=["care work", "gender", "time use", "labour markets"],
            ),
            dict(
                phen="social media use",
                outcome="trust in local government",
                pop="adolescents and young adults",
                ctx="Singapore",
                method="a longitudinal survey with an embedded experiment",
                kw=["social media", "political trust", "youth"],
            ),
        ],
        B=[
            "The spread of {phen} has reshaped everyday life for {pop}, but its consequences "
            "for {outcome} are poorly understood.",
            "Sociological accounts offer competing predictions: some emphasise new "
            "opportunities, while others stress the erosion of local social ties.",
        ],
        M=[
            "Drawing on {method} in {ctx}, we examine how {phen} relates to {outcome}.",
            "The analysis combines survey responses from {n} respondents with {k} "
            "semi-structured interviews conducted between {y1} and {y2}.",
        ],
        R=[
            "Respondents with greater exposure to {phen} reported levels of {outcome} about {p}% "
            "lower than comparable peers.",
            "The association was strongest among those with weak neighbourhood networks and "
            "disappeared among long-term residents.",
            "Interview data suggest that changes in daily routines, rather than attitudes, "
            "account for much of this pattern.",
        ],
        C=[
            "These findings complicate optimistic accounts of {phen} and point to the "
            "importance of place-based institutions.",
            "We discuss implications for policy and for future comparative research.",
        ],
        I=[
            "Social scientists have long argued that the organisation of daily life shapes how "
            "people relate to their communities.",
            "Rapid changes in work and communication over the past decade provide an "
            "opportunity to test these arguments.",
        ],
        T=[
            "{phen_cap} and {outcome} among {pop}: evidence from {ctx}",
            "Everyday routines, {phen} and the changing geography of {outcome} among {pop} in "
            "{ctx}",
            "{phen_cap} and {outcome}",
        ],
    ),
}
