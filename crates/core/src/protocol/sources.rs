//! Where the clinical rules come from: every source id cited beside a rule (`S30`), with its
//! citation (publisher, title, address). Facts only; the rules themselves are in
//! [`super::library`]. A test checks that every id a rule cites is listed here.

/// `(id, citation)`, in id order.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "S1",
        "Sciton, HALO post-care panel — https://sciton.com/component/content-grid/",
    ),
    (
        "S2",
        "Sciton, \"Celebrating 10 years … HALO\" (2024) — https://sciton.com/blog-celebrating-10-years-of-innovation-with-the-worlds-first-hybrid-fractional-laser-halo/",
    ),
    (
        "S3",
        "The Aesthetic Guide, \"Sciton Halo: the new hybrid laser\" (C. Robb) — https://www.theaestheticguide.com/cosmetic-surgery/sciton-halo-new-hybrid-laser",
    ),
    (
        "S4",
        "Dermatology Times, \"Hybrid laser allows simultaneous ablative, nonablative treatments\" (V. Narurkar) — https://www.dermatologytimes.com/view/hybrid-laser-allows-simultaneous-ablative-nonablative-treatments",
    ),
    (
        "S5",
        "Mentz Plastic Surgery, HALO — https://www.drmentz.com/non-surgical/facial-rejuvenation/halo/",
    ),
    (
        "S6",
        "Woodlands Radiance Spa, HALO pre/post care — https://www.woodlandsradiancespa.com/post/pre-post-halo-laser-care-i-step-by-step-instructions",
    ),
    (
        "S7",
        "AboutSkin Dermatology, HALO — http://www.aboutskinderm.com/category/laser-skin-resurfacing/",
    ),
    (
        "S8",
        "Dr Davin Lim, HALO laser — https://drdavinlim.com/halo-laser/",
    ),
    (
        "S9",
        "Cosmedics, HALO laser resurfacing — https://cosmedics.ca/dt_services/halolaser-resurfacing/",
    ),
    (
        "S10",
        "Core Dermatology, HALO FAQs — https://mycorederm.com/halo-hybrid-fractional-laser-resurfacing-faqs/",
    ),
    (
        "S11",
        "Q Medical Spa, HALO downtime — https://www.qmedspa.com/blog/halo-hybrid-fractional-laser-downtime/",
    ),
    (
        "S12",
        "Q Medical Spa, HALO care instructions — https://www.qmedspa.com/halo-care/",
    ),
    (
        "S13",
        "Ocean Cosmetic Medicine, HALO — http://oceancosmeticmedicine.com/treatments/laser-treatments/halo-hybrid-fractional-laser/",
    ),
    (
        "S14",
        "Lopez Plastic Surgery, HALO — https://www.lopezplasticsurgery.com/contents/lasers/sciton-halo",
    ),
    (
        "S15",
        "Dr Sarah Levy, Halo/Sublative instructions — https://drsarahlevy.com/patient-resources/halo-sublative",
    ),
    (
        "S16",
        "Dr Sarah Levy, HALO FAQ — https://drsarahlevy.com/facial-procedures/laser/aviclear-2",
    ),
    (
        "S17",
        "Applied Aesthetic, HALO instructions — https://appliedaesthetic.com/post-care-halo",
    ),
    (
        "S18",
        "Rebecca Fitzgerald MD, Halo guidelines — https://www.rebeccafitzgeraldmd.com/los-angeles-laser-treatments/halo/treatment-guidelines/",
    ),
    (
        "S19",
        "Egrari, Halo pre + post care — https://www.egrari.com/blog/halo-laser-pre-post-care-instructions/",
    ),
    (
        "S20",
        "YH Dermatology, Halo care — https://www.yhderm.com/post/halo-care",
    ),
    (
        "S21",
        "SSILC, Halo laser treatment — https://ssilc.com.au/our-services/halo-laser-treatment",
    ),
    (
        "S22",
        "FACES (Anchorage), before a Halo treatment — https://www.acentalaska.com/blog/what-should-i-avoid-before-a-halo-laser-treatment/",
    ),
    (
        "S23",
        "Secret Med Spa, Sciton aftercare — https://secretmedspa.com/aftercare-guides/sciton",
    ),
    (
        "S24",
        "Peak Plastic Surgery Denver, Sciton Halo — https://peakplasticsurgerydenver.com/procedures/laser-treatments/sciton-halo-denver-co",
    ),
    (
        "S25",
        "Mayo Clinic, Laser resurfacing — how you prepare — https://www.mayoclinic.org/tests-procedures/laser-resurfacing/details/how-you-prepare/ppc-20323320",
    ),
    (
        "S25b",
        "Same Mayo page, syndicated version with the smoking advice — https://www.mymlc.com/health-information/tests-and-procedures/l/laser-resurfacing2/?section=How%2520you%2520prepare",
    ),
    (
        "S26",
        "Mayo Clinic, Laser resurfacing — risks — http://www.mayoclinic.org/tests-procedures/laser-resurfacing/details/risks/cmc-20323318 (syndicated: https://www.mymlc.com/health-information/tests-and-procedures/l/laser-resurfacing2/?section=Risks)",
    ),
    (
        "S27",
        "Mayo Clinic, Laser resurfacing — what you can expect — http://www.mayoclinic.org/tests-procedures/laser-resurfacing/details/what-you-can-expect/rec-20323323",
    ),
    (
        "S28",
        "The Aesthetic Society, preparing for laser resurfacing — https://prod.theaestheticsociety.org/procedures/skin-hair/laser-skin-resurfacing/preparing-your-procedure",
    ),
    (
        "S29",
        "Cleveland Clinic, laser resurfacing risks — https://my.clevelandclinic.org/health/treatments/11015-laser-skin-resurfacing/risks--benefits",
    ),
    (
        "S30",
        "ASDS task force, isotretinoin consensus, Dermatol Surg 2017;43(10):1249–62 — https://insights.ovid.com/pubmed?pmid=28498204",
    ),
    (
        "S31",
        "Summary of the 2017 ASDS and JAMA Dermatology consensus statements — https://somalaser.com/?p=1207",
    ),
    (
        "S32",
        "Non-ablative fractional laser within 1 month of isotretinoin, Lasers Surg Med 2017 — https://pubmed.ncbi.nlm.nih.gov/28853175/",
    ),
    (
        "S33",
        "Canadian Dermatology Today, \"Dropping the delay\" (2022) — https://www.canadiandermatologytoday.com/articles/dropping-the-delay-safety-of-procedural-interventions-during-and-after-isotretinoin-use/",
    ),
    (
        "S34",
        "Gilbert & McBurney, valacyclovir timing, Dermatol Surg 2000 — https://www.ncbi.nlm.nih.gov/pubmed/10632686",
    ),
    (
        "S35",
        "Valacyclovir 10 vs 14 days after CO2 resurfacing — https://scilit.com/publications/92e742c72f39d677c8685b55c24d00ab",
    ),
    (
        "S36",
        "Renew Laser Med, laser resurfacing care guide — https://www.renewlasermed.com/treatment-guidelines/laser-skin-resurfacing",
    ),
    (
        "S37",
        "DermClinic MD, laser resurfacing instructions — https://www.dermclinicmd.com/patient-information/pre-post-procedure-instruction/laser-resurfacing-instruction/",
    ),
    (
        "S38",
        "DermaNetwork, skin care after fractional resurfacing — https://www.dermanetwork.org/glossary/2008-1-skin_care_after_fractional_las.html",
    ),
    (
        "S39",
        "Textbook excerpt, fractional resurfacing post-treatment — http://uqu-sa.net/cosmetic-applications-of-laser-and-light-based-systems/posttreatment-considerations",
    ),
    (
        "S40",
        "SSSkin, when to restart actives after laser — https://ssskin.ch/en/blogs/cliniques-ssskin/post-laser-skincare-when-to-restart-retinol-aha-bha-vitamin-c",
    ),
    (
        "S41",
        "Ophthalmology Web, complications of laser resurfacing — http://www.ophthalmologyweb.com/Featured-Articles/331709-Potential-Complications-of-Laser-Resurfacing/",
    ),
    (
        "S42",
        "Goel et al., \"Fractional lasers in dermatology — current status and recommendations\", IJDVL 2011;77(3):369–79 (quoted at http://iplandlaserdamagesupport.prophpbb.com/topic2638.html)",
    ),
    (
        "S43",
        "Kaushik & Alexis, non-ablative fractional resurfacing in skin of color (JCAD) — https://pmc.ncbi.nlm.nih.gov/articles/PMC5605208",
    ),
    (
        "S44",
        "Dermcast, laser treatment for darker skin (A. Alexis) — http://dermcast.tv/lasers-treatment-for-darker-skin-best-practices-and-tips/",
    ),
    (
        "S45",
        "Next Steps in Derm, laser pretreatment in darker skin — https://nextstepsinderm.com/derm-topics/aesthetic-derm/dear-derm-authority-laser-therapy-pre-treatment/",
    ),
    (
        "S46",
        "The Plastic Surgery Center NC, resurfacing recovery — https://theplasticsurgerycenternc.com/laser-resurfacing/",
    ),
    (
        "S47",
        "Lemon Spa, fractional laser care — https://www.mylemonspa.com/post/how-to-take-care-of-your-skin-after-fractional-laser-treatments",
    ),
    (
        "S47b",
        "Belis Laser, fractional laser contraindications — https://belislaser.com/faqs/what-are-the-contraindications-for-a-fractional-laser-treatment",
    ),
    (
        "S48",
        "Newcastle Cosmetic Doctor, HSV-1 reactivation protocol — https://newcastlecosmeticdoctor.com.au/policies/laser-energy-safety/laser-adverse-event-protocol-hsv‑1-reactivation-peri‑oral-facial-procedures",
    ),
    (
        "S49",
        "RealSelf physician answers, active herpes and resurfacing — https://www.realself.com/question/herpes-cheeks-laser-resurfacing-valtrex-prior-treat",
    ),
    (
        "S50",
        "AAD sunscreen recommendation (summary) — https://staging.chicagodermatology.com/dir/join-the-sunscreen-scene",
    ),
    (
        "S51",
        "Touch Med Spa, pre-treatment — https://touchmedspa.com/?p=956",
    ),
    (
        "S97",
        "Hello Doktor, who should avoid laser resurfacing — https://hellodoktor.com/health-centre/cosmetic-dermatology-health-center/know-risks-laser-resurfacing/",
    ),
    (
        "S52",
        "Renew Me Spa, HydraFacial — https://renewmespa.com/prepostcare-hydrafacial/",
    ),
    (
        "S53",
        "Core Spa, HydraFacial — https://www.corespa.net/hydrafacial",
    ),
    (
        "S54",
        "EC Rejuvenation, HydraFacial — https://www.ecrejuvenation.com/hydrofacial-pre-treatment-instructions/",
    ),
    (
        "S55",
        "Renew Me Spa, microneedling/PRP — https://renewmespa.com/prepost-care-microneedling-prp/",
    ),
    (
        "S56",
        "The Infusion Spa, microneedling & PRP — https://www.theinfusionspa.com/about-1",
    ),
    (
        "S57",
        "Peach Skin Laser, microneedling FAQ — https://www.peachskinlaser.com/blog/microneedling-faq-and-patient-instructions/",
    ),
    (
        "S58",
        "Dermatology Associates, microneedling — https://www.dermatology-pc.com/aesthetics-and-cosmetics/microneedling/",
    ),
    (
        "S59",
        "Elite Skin, microneedling with PRP — https://myeliteskin.com/platelet-rich-plassma-or-prp-pre-and-post-treatment/",
    ),
    (
        "S98",
        "Pinnacle Dermatology, microneedling care — https://www.pinnacledermar.com/copy-of-physiq-post",
    ),
    (
        "S99",
        "Jazmine K PA, microneedling + PRP instructions — http://www.jazminek-pa.com/microneedling-peel-instructions",
    ),
    (
        "S60",
        "Mayo Clinic \"Chemical peel\" text as reproduced — https://drpooyabeigi.com/reasons-for-doing-chemical-peel/",
    ),
    (
        "S61",
        "Ageless Vitality, peel healing times — https://www.agelessvitalitycenter.net/blogs/how-long-does-a-chemical-peel-take-to-heal-complete-recovery-guide",
    ),
    (
        "S62",
        "The Cosmetic Surgery, preparing for a peel — https://www.thecosmeticsurgery.org/chemical-peel-feature/how-to-prepare-your-skin-before-a-chemical-peel/",
    ),
    (
        "S63",
        "Assure Cosmetic Centre, peel precautions — https://assurecosmeticcentre.com.au/faq/anything-avoid-precautions-take-chemical-peels",
    ),
    (
        "S64",
        "Sharecare (A. Chapas), how peels work — https://www.sharecare.com/video/sharecare-experts/anne-chapas/how-do-chemical-peels-work",
    ),
    (
        "S100",
        "Palo Alto Laser, chemical peel recovery — https://paloaltolaser.com/faq-items/how-long-is-the-recovery-period-from-a-chemical-peel/",
    ),
    (
        "S65",
        "Los Feliz Med Spa, IPL — https://losfelizmedspa.com/faq-items/ipl-additional-procedure-information/",
    ),
    (
        "S66",
        "Charleston Aesthetics, IPL aftercare — https://www.charlestonaesthetics.com/ipl-photo-rejuvenation",
    ),
    (
        "S67",
        "Tucson Laser Training, IPL contraindications — https://tucsonlasertraining.com/ipl-laser-who-should-not-get-treatment",
    ),
    (
        "S68",
        "Tucson Laser Training, IPL FAQ — https://tucsonlasertraining.com/faqs/2016/8/6/frequently-asked-questions-about-m22-advanced-ipl-eg-photofacial",
    ),
    (
        "S69",
        "Utah Facial Plastics, IPL/BBL care — https://www.utahfacialplastics.com/about-us/patient-resources/pre-and-post-care-for-ufp-treatments/ipl-bbl-pre-post-care/",
    ),
    (
        "S70",
        "Dr Green Dermatology, laser hair removal — https://www.drgreenderm.com/cosmetic-dermatology/laser-hair-removal",
    ),
    (
        "S71",
        "Julie's Spa, number of LHR sessions — https://www.juliesspa.com/faq-items/how-many-laser-hair-removal-treatments-will-i-need/",
    ),
    (
        "S71b",
        "Julie's Spa, preparing for LHR — https://www.juliesspa.com/faq-items/is-there-anything-i-need-to-do-to-prepare-before-each-laser-hair-removal-session/",
    ),
    (
        "S72",
        "Chicago Laser Plus (AAD text on LHR) — http://www.chicagolaserplus.com/locations/",
    ),
    (
        "S73",
        "Derick Dermatology, LHR and darker skin — https://derickdermatology.com/common-cosmetic-dermatology-treatments/amp",
    ),
    (
        "S74",
        "Cleveland Clinic, Botox — https://my.clevelandclinic.org/health/treatments/8312-botulinum-toxin-injections",
    ),
    (
        "S75",
        "Bethcar, Botox aftercare — https://www.bethcardental.co.uk/blog/botox-aftercare/",
    ),
    (
        "S76",
        "Peak Expression, who should not have Botox — http://peakexpression.co.uk/botox/nottreat/nottreat.html",
    ),
    (
        "S101",
        "Ronald Farran MD, cosmetic Botox — http://www.ronaldfarranmd.com/cosmetic-uses/",
    ),
    (
        "S77",
        "Rēvive Medical Aesthetics, filler pre/post — https://doczz.net/doc/7694663/file---r%C4%93vive-medical-aesthetics",
    ),
    (
        "S78",
        "Beeson, bruising after fillers — https://www.beeson.com/2025/10/14/how-to-avoid-bruising-with-dermal-fillers",
    ),
    (
        "S79",
        "Dr Persky, recovery after fillers — https://www.drpersky.com/qa-with-dr-persky/qa/what-is-the-typical-recovery-after-fillers/",
    ),
    (
        "S80",
        "DRH Consult, HA filler duration by area — https://www.drhconsult.co.uk/treatments/dermal-fillers/treatment-duration/",
    ),
    (
        "S81",
        "SS Med Spa, filler post-care — https://ssmedspa.com/post-care-filler/",
    ),
    (
        "S82",
        "Village Dermatology, introducing retinoids — https://sites.google.com/a/villagedermatologyhouston.com/website/retinoids",
    ),
    (
        "S83",
        "mindbodygreen (dermatologist quoted), retinoid timeline — https://www.mindbodygreen.com/articles/tretinoin-vs-retinol-which-one-is-right-for-you",
    ),
    (
        "S84",
        "ARPANSA-layout \"Fitzpatrick skin phototype\" sheet (copy) — https://pdfcoffee.com/download/fitzpatrick-skin-type-pdf-free.html",
    ),
    (
        "S85",
        "Score bands as circulated from Wikipedia — https://opensnp.org/phenotypes/275 ; https://standardofcare.com/fitzpatrick-scale/",
    ),
    (
        "S86",
        "Skin Cancer Foundation skin-type quiz — https://www.skincancer.org/blog/are-you-at-risk-for-skin-cancer/ (items/bands copy: http://manolosalons.com/pop-quiz-where-does-your-skin-fit-in/)",
    ),
    (
        "S87",
        "Variant with different bands — https://bystefany.com/pages/the-fitzpatrick-skin-type-chart-1",
    ),
    (
        "S88",
        "Eilers et al., accuracy of self-report of Fitzpatrick type, JAMA Dermatol 2013 — https://jamanetwork.com/journals/jamadermatology/fullarticle/1737180",
    ),
    (
        "S89",
        "He et al., pigmentary phenotypes and race as predictors of phototype, JAAD 2014 — https://pmc.ncbi.nlm.nih.gov/articles/PMC4165764",
    ),
    (
        "S90",
        "StatPearls, Fitzpatrick skin phototype — https://pubmed.ncbi.nlm.nih.gov/32491558/",
    ),
    (
        "S91",
        "Coleman, Mariwalla & Grimes, \"Updating the Fitzpatrick classification\" (SCE scale) — https://www.scribd.com/document/731627285/updating-the-fitzpatrick-classification-the-skin-1",
    ),
    (
        "S92",
        "FTC, \".com Disclosures\" (2013), text — https://mikeyounglaw.com/ftc-internet-advertising-disclosures ; prominence summary — https://cliclaw.com/library/us-federal-laws/advertising/ftc-released-guide-com-disclosures-prominence",
    ),
    (
        "S93",
        "FTC Health Products Compliance Guidance (2022), summary — https://www.mondaq.com/unitedstates/healthcare/1291490/ftc-revises-health-products-compliance-guidance",
    ),
    (
        "S94",
        "FDA, General Wellness: Policy for Low Risk Devices (2019), transcript — https://innolitics.com/articles/fda-guidance-general-wellness-policy-for-low-risk-devices/",
    ),
    (
        "S95",
        "Babylon, how the symptom checker works — https://support.babylon-health.com/cspbabylonsupport?id=csp_kb_article_view&sysparm_article=KB0010143",
    ),
    (
        "S96",
        "Healthify NZ, symptom checkers — https://healthify.nz/tools/s/symptom-checkers/",
    ),
];

/// The citation of a source id.
pub fn citation(id: &str) -> Option<&'static str> {
    SOURCES.iter().find(|(i, _)| *i == id).map(|(_, c)| *c)
}
