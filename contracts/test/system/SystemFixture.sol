// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelTest} from "../utils/KeelTest.sol";
import {KeelSystemBootstrap} from "../../src/system/KeelSystemBootstrap.sol";
import {KeelAccessManager} from "../../src/system/access/KeelAccessManager.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {SystemRegistry} from "../../src/system/SystemRegistry.sol";
import {FactoryRegistry} from "../../src/system/FactoryRegistry.sol";
import {AddonRegistry} from "../../src/system/AddonRegistry.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {
    BondFactory,
    EquityFactory,
    FundFactory,
    StablecoinFactory,
    DepositFactory
} from "../../src/system/factories/AssetFactories.sol";
import {IdentityRegistryStorage} from "../../src/identity/IdentityRegistryStorage.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {ClaimTopicsRegistry} from "../../src/identity/ClaimTopicsRegistry.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {GlobalCompliance} from "../../src/compliance/GlobalCompliance.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelBondToken} from "../../src/token/KeelBondToken.sol";
import {KeelEquityToken} from "../../src/token/KeelEquityToken.sol";
import {KeelFundToken} from "../../src/token/KeelFundToken.sol";
import {KeelStablecoinToken} from "../../src/token/KeelStablecoinToken.sol";
import {AddressAllowListModule} from "../../src/compliance/modules/AddressAllowListModule.sol";
import {AddressBlockListModule} from "../../src/compliance/modules/AddressBlockListModule.sol";
import {CountryAllowListModule} from "../../src/compliance/modules/CountryAllowListModule.sol";
import {CountryBlockListModule} from "../../src/compliance/modules/CountryBlockListModule.sol";
import {IdentityClaimExpressionModule} from "../../src/compliance/modules/IdentityClaimExpressionModule.sol";
import {MaxBalanceModule} from "../../src/compliance/modules/MaxBalanceModule.sol";
import {MaxInvestorCountModule} from "../../src/compliance/modules/MaxInvestorCountModule.sol";
import {SupplyLimitModule} from "../../src/compliance/modules/SupplyLimitModule.sol";
import {TimeLockModule} from "../../src/compliance/modules/TimeLockModule.sol";
import {TransferApprovalModule} from "../../src/compliance/modules/TransferApprovalModule.sol";
import {TransferVolumeLimitModule} from "../../src/compliance/modules/TransferVolumeLimitModule.sol";

/// @notice Deploys the implementations and bootstraps one system (admin = this test).
abstract contract SystemFixture is KeelTest {
    uint256 internal constant KYC = 1;
    uint256 internal constant SIGNER_PK = 0xC1A1;

    address internal admin = address(this);
    address internal stranger = makeAddr("stranger");

    KeelSystemBootstrap internal bootstrapper;
    KeelSystemBootstrap.Implementations internal impls;
    KeelSystemBootstrap.System internal sys;

    function setUp() public virtual {
        impls = _implementations();
        bootstrapper = new KeelSystemBootstrap();
        sys = bootstrapper.bootstrap(impls, admin, address(0));
    }

    function _implementations() internal returns (KeelSystemBootstrap.Implementations memory i) {
        i.accessManager = address(new KeelAccessManager());
        i.systemRegistry = address(new SystemRegistry());
        i.factoryRegistry = address(new FactoryRegistry());
        i.addonRegistry = address(new AddonRegistry());
        i.identityStorage = address(new IdentityRegistryStorage());
        i.trustedIssuersRegistry = address(new TrustedIssuersRegistry());
        i.claimTopicsRegistry = address(new ClaimTopicsRegistry());
        i.identityRegistry = address(new IdentityRegistry());
        i.identityFactory = address(new IdentityFactory());
        i.identity = address(new KeelIdentity(true));
        i.claimIssuer = address(new KeelClaimIssuer(true));
        i.globalCompliance = address(new GlobalCompliance(true));
        i.compliance = address(new ModularCompliance(true));
        i.tokens[0] = address(new KeelBondToken(true));
        i.tokens[1] = address(new KeelEquityToken(true));
        i.tokens[2] = address(new KeelFundToken(true));
        i.tokens[3] = address(new KeelStablecoinToken(true));
        i.tokens[4] = address(new KeelToken(true));
        i.complianceModules = _complianceModules();
        i.factories[0] = address(new BondFactory());
        i.factories[1] = address(new EquityFactory());
        i.factories[2] = address(new FundFactory());
        i.factories[3] = address(new StablecoinFactory());
        i.factories[4] = address(new DepositFactory());
    }

    /// @dev One shared instance of every module kind, registered by the bootstrap.
    function _complianceModules() internal returns (address[] memory m) {
        m = new address[](11);
        m[0] = address(new CountryAllowListModule());
        m[1] = address(new CountryBlockListModule());
        m[2] = address(new AddressAllowListModule());
        m[3] = address(new AddressBlockListModule());
        m[4] = address(new MaxBalanceModule());
        m[5] = address(new MaxInvestorCountModule());
        m[6] = address(new SupplyLimitModule());
        m[7] = address(new TimeLockModule());
        m[8] = address(new TransferVolumeLimitModule());
        m[9] = address(new TransferApprovalModule());
        m[10] = address(new IdentityClaimExpressionModule());
    }

    function _access() internal view returns (KeelAccessManager) {
        return KeelAccessManager(sys.accessManager);
    }

    function _terms(uint256 k) internal view returns (bytes memory) {
        if (k == 0) return abi.encode(uint256(1000e18), uint64(block.timestamp + 365 days), address(0xD0D0));
        if (k == 1) return abi.encode("A", "common");
        if (k == 2) return abi.encode(uint16(150), "institutional");
        if (k == 3) return abi.encode("USD", uint256(1001));
        return abi.encode("EUR", "Keel Bank");
    }

    function _request(uint256 k, address assetAdmin, uint256[] memory topics)
        internal
        view
        returns (AssetFactory.AssetRequest memory r)
    {
        string[5] memory names = ["Keel Bond", "Keel Equity", "Keel Fund", "Keel Dollar", "Keel Deposit"];
        string[5] memory symbols = ["KBND", "KEQ", "KFND", "KUSD", "KDEP"];
        r = AssetFactory.AssetRequest({
            name: names[k],
            symbol: symbols[k],
            decimals: k == 1 ? 0 : 18,
            isin: "XS0000000001",
            admin: assetAdmin,
            requiredClaimTopics: topics,
            terms: _terms(k),
            modules: new AssetFactory.ComplianceModule[](0),
            cap: 0,
            historicalBalances: false,
            voting: false,
            roleGrants: new AssetFactory.RoleGrant[](0),
            unpause: false
        });
    }

    function _create(uint256 k, address assetAdmin) internal returns (AssetFactory.Asset memory) {
        uint256[] memory topics = new uint256[](1);
        topics[0] = KYC;
        return AssetFactory(sys.factories[k]).createAsset(_request(k, assetAdmin, topics));
    }
}
